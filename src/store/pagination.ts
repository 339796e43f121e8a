import { DomainError } from '../errors.js';

/**
 * Opaque list cursors: base64url of `{ r: rowid }`, the last row of the previous page. Rowids only grow,
 * so pages stay stable while rows are added (new rows appear on later pages).
 */
export function encodeCursor(rowid: number): string {
  return Buffer.from(JSON.stringify({ r: rowid })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { r?: unknown };
    if (typeof parsed.r === 'number' && Number.isInteger(parsed.r) && parsed.r >= 0) return parsed.r;
  } catch {
    // fall through to the error below
  }
  throw new DomainError('validation_error', 'Invalid cursor', [
    { field: 'querystring.cursor', message: 'not a cursor from a previous page', value: cursor },
  ]);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Rows fetched with `LIMIT limit + 1` (each with `_rowid`) → a page and the next cursor. */
export function toPage<R extends { _rowid: number }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    data: pageRows.map(map),
    next_cursor: more ? encodeCursor(pageRows[pageRows.length - 1]!._rowid) : null,
  };
}
