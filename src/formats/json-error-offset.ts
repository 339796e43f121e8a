/**
 * Finds where JSON text stops being valid. V8's JSON.parse messages give a position only for some errors, and the
 * CLI promises a line for every syntax error, so this small recogniser (no values built) locates the first bad
 * character. Returns undefined when the text is valid.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): boolean => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return true;
      }
      if (c < ' ') return false;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  const container = (close: string, isObject: boolean): boolean => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return true;
    }
    for (;;) {
      if (isObject) {
        ws();
        if (!string()) return false;
        ws();
        if (text[i] !== ':') return false;
        i++;
      }
      if (!value()) return false;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return true;
      }
      return false;
    }
  };
  if (!value()) return Math.min(i, text.length);
  ws();
  return i < text.length ? i : undefined;
}
