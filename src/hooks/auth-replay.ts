import { AuthUnavailable } from '../errors.js';
import type { Store } from '../store/store.js';

/**
 * Remembers which `jti`s were already used, per issuer, until the token could no longer be accepted anyway. The
 * service keeps them in its database ({@link databaseReplayGuard}), shared by every instance and kept across
 * restarts; {@link JtiReplayCache} keeps them in memory, for a verifier used on its own (tests, tools).
 */

/** What a replay guard did with a token id. */
export type RecordOutcome = 'recorded' | 'replay' | 'full';

export interface ReplayGuard {
  /**
   * Records `iss`+`jti` as used until `liveUntil` unless it already is.
   * @param liveUntil - epoch seconds after which the token is rejected as expired (exp + clock skew)
   * @param nowSeconds - current epoch seconds
   */
  record(iss: string, jti: string, liveUntil: number, nowSeconds: number): Promise<RecordOutcome> | RecordOutcome;
}

/** Used token ids in the database: a token replayed to another instance is refused there too. */
export function databaseReplayGuard(store: Pick<Store, 'recordJti'>): ReplayGuard {
  return {
    async record(iss, jti, liveUntil, nowSeconds) {
      try {
        return await store.recordJti(iss, jti, new Date(liveUntil * 1000), new Date(nowSeconds * 1000));
      } catch {
        // Fail closed, but say it is ours: the caller may retry.
        throw new AuthUnavailable('replay protection is unavailable (the database cannot be reached); retry shortly');
      }
    },
  };
}

const SWEEP_INTERVAL_SECONDS = 60;

export class JtiReplayCache implements ReplayGuard {
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
