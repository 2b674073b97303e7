import { FupanError } from '../core/errors/index.js';

export interface SignInLimitOptions {
  /** Failed sign-ins allowed per email and per client IP within the window (default 10). */
  max?: number;
  /** The sliding window in milliseconds (default 15 minutes). */
  windowMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Entries kept at most; beyond it the oldest keys are forgotten (bounded memory under a spray). */
const MAX_KEYS = 50_000;

/**
 * Limits failed sign-ins per email and per client IP in a sliding window, in this process's
 * memory (one fupan process serves one data directory). A limited caller gets
 * `too_many_sign_ins` (429, with Retry-After) before the password is even checked, so
 * guessing stops costing the server scrypt work too. A successful sign-in clears the
 * email's failures (not the IP's: one address guessing many accounts stays limited).
 */
export class SignInLimiter {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly failures = new Map<string, number[]>();

  constructor(options: SignInLimitOptions = {}) {
    this.max = options.max ?? 10;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Throws `too_many_sign_ins` when the email or the IP used up its failures. */
  check(email: string, ip: string): void {
    const now = this.now();
    for (const key of [`email:${email.trim().toLowerCase()}`, `ip:${ip}`]) {
      const list = this.recent(key, now);
      if (list.length >= this.max) {
        const retryAfter = Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000));
        throw new FupanError('too_many_sign_ins', { retryAfter, minutes: Math.ceil(retryAfter / 60) });
      }
    }
  }

  fail(email: string, ip: string): void {
    const now = this.now();
    for (const key of [`email:${email.trim().toLowerCase()}`, `ip:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(email: string): void {
    this.failures.delete(`email:${email.trim().toLowerCase()}`);
  }
}
