/**
 * LRU cache with a time-to-live for the "latest" queries (latest bar, latest quote, options
 * chain as of a time). Entries carry the series they were read from (a tag), and a write to a
 * series invalidates its entries at once; the TTL bounds how stale an entry can get when
 * another process writes. Values are frozen by the callers, since every hit returns the same
 * object. Counts hits, misses, evictions (capacity), expirations (TTL) and invalidations.
 */
export interface CacheOptions {
  /** Entries kept (least recently used evicted first); default 1024. */
  readonly capacity?: number;
  /** Time to live in ms; default 60 000. */
  readonly ttlMs?: number;
  /** Clock (ms), for tests. */
  readonly now?: () => number;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly expirations: number;
  readonly invalidations: number;
  readonly size: number;
  readonly capacity: number;
  readonly ttlMs: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  readonly hitRate: number;
}

interface Entry {
  readonly value: unknown;
  readonly tag: string;
  readonly expiresAt: number;
}

export class LruTtlCache {
  readonly capacity: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  // A Map iterates in insertion order: re-inserting on each hit keeps the LRU entry first.
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expirations = 0;
  private invalidations = 0;

  constructor(options: CacheOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError(`cache capacity must be a whole number >= 1, got ${this.capacity}`);
    if (!(this.ttlMs > 0)) throw new RangeError(`cache ttlMs must be > 0, got ${this.ttlMs}`);
  }

  /** `{ value }` on a hit (the value may itself be undefined: "known to be absent"), else undefined. */
  get<T>(key: string): { value: T } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    if (this.now() >= entry.expiresAt) {
      this.expirations++;
      this.misses++;
      return undefined;
    }
    this.entries.set(key, entry);
    this.hits++;
    return { value: entry.value as T };
  }

  set(key: string, tag: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, { value, tag, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }

  /** Drop every entry read from series `tag`. */
  invalidate(tag: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.tag === tag) {
        this.entries.delete(key);
        this.invalidations++;
      }
    }
  }

  clear(): void {
    this.invalidations += this.entries.size;
    this.entries.clear();
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      expirations: this.expirations,
      invalidations: this.invalidations,
      size: this.entries.size,
      capacity: this.capacity,
      ttlMs: this.ttlMs,
      hitRate: lookups === 0 ? 0 : this.hits / lookups,
    };
  }
}
