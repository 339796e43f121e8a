import { createHash } from 'node:crypto';
import { encodeBody, type BodyEncoding } from './body-encoding.js';

/** A rendered list page as sent: the JSON bytes, its ETag, and compressed copies made on first demand. */
export class RenderedPage {
  private readonly encoded = new Map<BodyEncoding, Buffer>();

  constructor(
    readonly version: number,
    readonly body: Buffer,
    readonly etag: string,
  ) {}

  /** The body in `encoding`, compressed once per page (a poller asking again gets the same bytes). */
  bytes(encoding: BodyEncoding | null): Buffer {
    if (encoding === null) return this.body;
    let out = this.encoded.get(encoding);
    if (!out) {
      out = encodeBody(this.body, encoding);
      this.encoded.set(encoding, out);
    }
    return out;
  }
}

/** Weak ETag for a page: the same key rendered at the same table version is the same page. */
export function pageEtag(key: string, version: number): string {
  return `W/"${version}-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}"`;
}

/**
 * Rendered list pages, keyed by organization and query, each stamped with the table version it was rendered at.
 * A hit needs the same version, so any write to the table (counted by triggers) makes older pages unusable.
 * Bounded: the least recently used page goes first.
 */
export class PageCache {
  private readonly pages = new Map<string, RenderedPage>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, version: number): RenderedPage | undefined {
    const hit = this.pages.get(key);
    if (!hit || hit.version !== version) return undefined;
    // Re-insert to mark as recently used (Map keeps insertion order).
    this.pages.delete(key);
    this.pages.set(key, hit);
    return hit;
  }

  set(key: string, page: RenderedPage): void {
    if (this.maxEntries <= 0) return;
    this.pages.delete(key);
    this.pages.set(key, page);
    if (this.pages.size > this.maxEntries) this.pages.delete(this.pages.keys().next().value!);
  }
}
