/** Recognises a problem file's format from its content, so `milkrun solve FILE` needs no `--format`. */
import type { FormatName } from './errors.js';
import { looksLikeVroom } from './vroom/detect.js';

export function detectFormat(text: string): FormatName | undefined {
  const head = text.slice(0, 4096);
  if (/^\s*[{[]/.test(head)) return looksLikeVroom(text) ? 'vroom' : 'json';
  if (/^\s*(NAME|TYPE|DIMENSION|EDGE_WEIGHT_TYPE|CAPACITY)\s*:/im.test(head) || /^\s*NODE_COORD_SECTION\b/m.test(head)) {
    return 'cvrplib';
  }
  if (/^\s*VEHICLE\s*$/m.test(head) && /^\s*CUSTOMER\s*$/m.test(head)) return 'solomon';
  // Li & Lim: "vehicles capacity speed", then rows of 9 numbers (id x y demand ready due service pickup delivery).
  const [first, second] = head.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const numbers = (l: string | undefined): number => (l && /^[-\d.\s]+$/.test(l) ? l.split(/\s+/).length : 0);
  if (numbers(first) === 3 && numbers(second) === 9) return 'lilim';
  return undefined;
}
