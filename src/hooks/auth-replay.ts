/**
 * Remembers which `jti`s were already used, per issuer, until the token could no longer be accepted anyway.
 * In memory only: a restart forgets them, and several instances do not share them.
 */

/** What {@link JtiReplayCache.record} did with a token id. */
export type RecordOutcome = 'recorded' | 'replay' | 'full';

const SWEEP_INTERVAL_SECONDS = 60;

export class JtiReplayCache {
  /** `iss` NUL `jti` → last second (epoch) at which the token could still be accepted. */
  readonly #seen = new Map<string, number>();
  #lastSweep = 0;

  /** @param maxEntries - upper bound on remembered tokens; when full, live entries are kept and new tokens refused */
  constructor(private readonly maxEntries: number) {}

  /**
   * Records `iss`+`jti` as used until `liveUntil` unless it already is.
   * @param liveUntil - epoch seconds after which the token is rejected as expired (exp + clock skew)
   * @param nowSeconds - current epoch seconds
   */
  record(iss: string, jti: string, liveUntil: number, nowSeconds: number): RecordOutcome {
    const key = `${iss}\u0000${jti}`;
    const known = this.#seen.get(key);
    if (known !== undefined && known >= nowSeconds) return 'replay';
    if (this.#seen.size >= this.maxEntries || nowSeconds - this.#lastSweep >= SWEEP_INTERVAL_SECONDS) {
      this.#sweep(nowSeconds);
    }
    // Forgetting a live jti would reopen the replay window, so a full cache refuses instead.
    if (known === undefined && this.#seen.size >= this.maxEntries) return 'full';
    this.#seen.set(key, liveUntil);
    return 'recorded';
  }

  /** Number of remembered tokens (for tests and metrics). */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(nowSeconds: number): void {
    this.#lastSweep = nowSeconds;
    for (const [key, liveUntil] of this.#seen) {
      if (liveUntil < nowSeconds) this.#seen.delete(key);
    }
  }
}
