/**
 * Rendered list pages, keyed by organization and query, each stamped with the table version it was rendered at.
 * A hit needs the same version, so any write to the table (counted by triggers) makes older pages unusable.
 * Bounded: the least recently used page goes first.
 */
export class PageCache {
  private readonly pages = new Map<string, { version: number; body: string }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, version: number): string | undefined {
    const hit = this.pages.get(key);
    if (!hit || hit.version !== version) return undefined;
    // Re-insert to mark as recently used (Map keeps insertion order).
    this.pages.delete(key);
    this.pages.set(key, hit);
    return hit.body;
  }

  set(key: string, version: number, body: string): void {
    if (this.maxEntries <= 0) return;
    this.pages.delete(key);
    this.pages.set(key, { version, body });
    if (this.pages.size > this.maxEntries) this.pages.delete(this.pages.keys().next().value!);
  }
}
