import { recordCards, type ShownCard } from './cards.js';
import type { StoreDb } from './db.js';

/**
 * Cards shown are written behind the answer: queued, and inserted in batches of up to BATCH_ROWS once FLUSH_MS has
 * passed (or at once when a batch is full), one flush at a time. A hook call never waits for the database; feedback
 * and analytics flush first, so what this process has answered is on record before they read.
 *
 * When the database fails, the rows stay queued and are tried again after RETRY_MS; past MAX_PENDING rows the oldest
 * are dropped (counted in `dropped`): a lost record only means feedback on those cards answers 404.
 */

export const FLUSH_MS = 50;
const RETRY_MS = 1000;
const BATCH_ROWS = 500;
const MAX_PENDING = 20_000;

export interface CardQueue {
  add(rows: readonly ShownCard[]): void;
  /** Resolves when every row queued before the call is written (or its write has failed). */
  flush(): Promise<void>;
  /** Flushes, then stops the timers (the database is about to close). */
  close(): Promise<void>;
  /** Rows waiting; rows dropped since start because the database was unavailable too long. */
  readonly pending: number;
  readonly dropped: number;
}

/** How the queue stands when a write fails: rows waiting, and rows dropped since start. */
export interface QueueState {
  waiting: number;
  dropped: number;
}

export function createCardQueue(db: StoreDb, onFailure: (err: unknown, state: QueueState) => void): CardQueue {
  let queue: ShownCard[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** The last write failed: calls do not retry it, the retry timer does (a database that is down is not hammered). */
  let failing = false;

  /** Past MAX_PENDING rows, the oldest go. */
  const capped = () => {
    if (queue.length <= MAX_PENDING) return;
    dropped += queue.length - MAX_PENDING;
    queue = queue.slice(queue.length - MAX_PENDING);
  };

  const schedule = (ms: number) => {
    // Unref'd: a queue must not keep a process alive; close() writes what is left.
    timer ??= setTimeout(() => {
      timer = undefined;
      void drain();
    }, ms).unref();
  };

  /** Writes batches until the queue is empty or a write fails (then it is tried again later). */
  const writeAll = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, BATCH_ROWS);
      try {
        await recordCards(db, batch);
        failing = false;
      } catch (err) {
        failing = true;
        queue = [...batch, ...queue];
        capped();
        onFailure(err, { waiting: queue.length, dropped });
        schedule(RETRY_MS);
        return;
      }
    }
  };
  // One flush at a time; `finally` runs after this assignment even when writeAll has nothing to do.
  const drain = (): Promise<void> => (running ??= writeAll().finally(() => (running = undefined)));

  return {
    add(rows) {
      if (rows.length === 0) return;
      queue.push(...rows);
      capped();
      if (failing) return;
      if (queue.length >= BATCH_ROWS) void drain();
      else schedule(FLUSH_MS);
    },
    async flush() {
      if (running) await running;
      if (queue.length > 0) await drain();
    },
    async close() {
      await this.flush();
      clearTimeout(timer);
      timer = undefined;
    },
    get pending() {
      return queue.length;
    },
    get dropped() {
      return dropped;
    },
  };
}
