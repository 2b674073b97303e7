/**
 * A Map that forgets its oldest entries once it holds more than `max` (first-in,
 * first-out: cheap, and good enough for caches whose misses fall back to the database).
 * Trimming happens only when `trim()` is called, so entries loaded for the work in hand
 * stay until that work is done.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly max: number) {
    super();
  }

  /** Forgets the oldest entries when over `max`; true when anything was forgotten. */
  trim(): boolean {
    if (this.size <= this.max) return false;
    const target = Math.floor(this.max * 0.9);
    for (const key of this.keys()) {
      if (this.size <= target) break;
      this.delete(key);
    }
    return true;
  }
}
