/**
 * A fixed one-minute window of counts per key (a client address, an account), with a bounded number of keys so a
 * flood of addresses cannot grow it without limit. Written here rather than taken from @nestjs/throttler: what is
 * limited is refused authentications per client, counted by the guard after verification, which the throttler's
 * per-route request counting does not model.
 */
export class RateWindow {
  private readonly counts = new Map<string, { count: number; start: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 50_000,
  ) {}

  /** Whether the key is over its limit now (without counting). */
  exceeded(key: string, now = Date.now()): boolean {
    const e = this.counts.get(key);
    return !!e && now - e.start < this.windowMs && e.count >= this.limit;
  }

  /** Counts one event for the key; returns true when that goes over the limit. */
  hit(key: string, now = Date.now()): boolean {
    let e = this.counts.get(key);
    if (!e || now - e.start >= this.windowMs) {
      if (!e && this.counts.size >= this.maxKeys) this.prune(now);
      e = { count: 0, start: now };
      this.counts.set(key, e);
    }
    e.count++;
    return e.count > this.limit;
  }

  /** Seconds until the key's window ends (for Retry-After). */
  retryAfter(key: string, now = Date.now()): number {
    const e = this.counts.get(key);
    return e ? Math.max(1, Math.ceil((e.start + this.windowMs - now) / 1000)) : 1;
  }

  private prune(now: number): void {
    for (const [k, e] of this.counts) if (now - e.start >= this.windowMs) this.counts.delete(k);
    // Still full: drop the oldest entries (Map keeps insertion order).
    for (const k of this.counts.keys()) {
      if (this.counts.size < this.maxKeys) break;
      this.counts.delete(k);
    }
  }
}
