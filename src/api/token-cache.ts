import type { TokenScope } from '../store/tokens.js';

export interface CachedToken {
  id: string;
  organizationId: string;
  scope: TokenScope;
}

/**
 * Recent successful token lookups, so a busy client does not pay a SHA-256 and an SQLite query on every request.
 * An entry is trusted for `ttlMs` at most and never past a revocation made in this process (`generation` changes);
 * a revocation by another process sharing the database file takes effect within `ttlMs`. Failed lookups are not
 * cached: a token created a moment ago by the CLI works at once.
 */
export class TokenCache {
  private readonly entries = new Map<string, { token: CachedToken; until: number }>();
  private generation = -1;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(secret: string, generation: number, now: number): CachedToken | undefined {
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
      return undefined;
    }
    const hit = this.entries.get(secret);
    if (!hit) return undefined;
    if (hit.until <= now) {
      this.entries.delete(secret);
      return undefined;
    }
    return hit.token;
  }

  set(secret: string, generation: number, now: number, token: CachedToken): void {
    if (this.ttlMs <= 0 || generation !== this.generation) return;
    // Bounded by dropping the oldest entry (Map keeps insertion order); entries expire soon anyway.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(secret, { token, until: now + this.ttlMs });
  }
}
