import { ruleAnalytics, type RuleAnalytics } from './analytics.js';
import { createCardQueue, FLUSH_MS, type CardQueue, type QueueState } from './card-queue.js';
import { findCards, type ShownCard } from './cards.js';
import { ping, type StoreDb } from './db.js';
import { insertFeedback, type FeedbackItem } from './feedback.js';
import { pruneJtis, recordJti } from './jti.js';
import { patientHasher } from './patient-hash.js';
import { createSnoozeMirror, type SnoozeMirror, type SnoozeRow } from './snooze-mirror.js';
import { snooze, snoozedRules } from './snooze.js';

/** What the hooks layer needs from the database, with patients hashed on the way in. */

/** A returned card, reduced to what is recorded. */
interface CardShown {
  uuid: string;
  ruleId: string;
  indicator: ShownCard['indicator'];
}

/** Decides whether a stored override snoozes its card's rule for the patient: the reason code when it does. */
type SnoozeDecision = (card: ShownCard, item: FeedbackItem) => string | undefined;

export type FeedbackOutcome = { unknownCards: string[] } | { stored: number; duplicates: number; snoozed: number };

export interface Store {
  /** Queues the cards of one answer for the database (written behind it, in batches: see card-queue.ts). */
  recordShown(shown: { serviceId: string; hookInstance: string; patientId: string; at: Date; cards: readonly CardShown[] }): void;
  /** Rules whose info/warning cards are snoozed for this patient at `now`: from memory, or the database when the memory cannot be trusted. */
  snoozedRules(patientId: string, now: Date): Promise<Set<string>>;
  /** Resolves when the cards queued so far are written (or their write failed and waits for a retry). */
  flush(): Promise<void>;
  /** All or nothing: when a card is unknown to the service, nothing is stored and the unknown uuids are returned. */
  recordFeedback(serviceId: string, items: readonly FeedbackItem[], receivedAt: Date, decide: SnoozeDecision): Promise<FeedbackOutcome>;
  ruleAnalytics(): Promise<RuleAnalytics[]>;
  /** Replay protection: `replay` when `iss`+`jti` is already recorded and live. */
  recordJti(iss: string, jti: string, liveUntil: Date, now: Date): Promise<'recorded' | 'replay'>;
  ping(): Promise<void>;
  /** Closes the database when this store opened it. */
  close(): Promise<void>;
}

export interface StoreOptions {
  patientHashSalt: string;
  snoozeDays: number;
  /** Destroy `db` on close (false when the caller shares it, e.g. tests). */
  ownsDb: boolean;
  /**
   * PostgreSQL's URL when other instances may write to the same database: their snoozes are followed by LISTEN.
   * Without it, every write to `db` is assumed to go through this process (PGlite; a handle a test shares).
   */
  listenUrl?: string;
  /** Told when writing cards (with the queue's state) or following snoozes fails (the store carries on; the caller logs). */
  onBackgroundFailure?: (what: 'card-records' | 'snooze-listener', err: unknown, queue?: QueueState) => void;
}

const JTI_PRUNE_INTERVAL_MS = 60_000;
/**
 * Feedback may reach an instance before the instance that answered has written the card (it writes behind, every
 * FLUSH_MS): a card not found is looked for once more after this.
 */
const UNKNOWN_CARD_GRACE_MS = 4 * FLUSH_MS;

/** The queue and the snooze mirror of one database handle, shared by every store on it in this process. */
interface HandleState {
  cards: CardQueue;
  snoozes: SnoozeMirror;
  users: number;
}
const handles = new WeakMap<StoreDb, HandleState>();

function handleState(db: StoreDb, options: StoreOptions): HandleState {
  let state = handles.get(db);
  if (!state) {
    const fail = options.onBackgroundFailure;
    state = {
      cards: createCardQueue(db, (err, queue) => fail?.('card-records', err, queue)),
      snoozes: createSnoozeMirror(db, {
        ...(options.listenUrl ? { listenUrl: options.listenUrl } : {}),
        onListenerError: (err) => fail?.('snooze-listener', err),
      }),
      users: 0,
    };
    handles.set(db, state);
  }
  state.users++;
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param db - an open, migrated database (see `openDatabase`, `migrateToLatest`) */
export function createStore(db: StoreDb, options: StoreOptions): Store {
  const hash = patientHasher(options.patientHashSalt);
  const state = handleState(db, options);
  let lastPrune = 0;

  const feedbackOnce = (serviceId: string, items: readonly FeedbackItem[], receivedAt: Date, decide: SnoozeDecision) =>
    db.transaction().execute(async (tx) => {
      const cards = await findCards(
        tx,
        serviceId,
        items.map((i) => i.card),
      );
      const unknownCards = [...new Set(items.filter((i) => !cards.has(i.card)).map((i) => i.card))];
      if (unknownCards.length > 0) return { outcome: { unknownCards }, snoozes: [] };
      let stored = 0;
      const snoozes: SnoozeRow[] = [];
      for (const item of items) {
        const card = cards.get(item.card)!;
        if (!(await insertFeedback(tx, card, item, receivedAt))) continue;
        stored++;
        const reason = options.snoozeDays > 0 ? decide(card, item) : undefined;
        if (reason) {
          const row = { patient_hash: card.patient_hash, rule_id: card.rule_id, snoozed_at: receivedAt };
          await snooze(tx, { ...row, card_uuid: card.uuid, reason_code: reason });
          snoozes.push(row);
        }
      }
      return { outcome: { stored, duplicates: items.length - stored, snoozed: snoozes.length }, snoozes };
    });

  return {
    recordShown({ serviceId, hookInstance, patientId, at, cards }) {
      if (cards.length === 0) return;
      const patientHash = hash(patientId);
      state.cards.add(
        cards.map((c) => ({
          uuid: c.uuid,
          service_id: serviceId,
          rule_id: c.ruleId,
          indicator: c.indicator,
          hook_instance: hookInstance,
          patient_hash: patientHash,
          shown_at: at,
        })),
      );
    },
    async snoozedRules(patientId, now) {
      const patientHash = hash(patientId);
      return state.snoozes.rulesFor(patientHash, now, options.snoozeDays) ?? snoozedRules(db, patientHash, now, options.snoozeDays);
    },
    flush: () => state.cards.flush(),
    async recordFeedback(serviceId, items, receivedAt, decide) {
      await state.cards.flush();
      let result = await feedbackOnce(serviceId, items, receivedAt, decide);
      if ('unknownCards' in result.outcome) {
        // Another instance may not have written it yet.
        await sleep(UNKNOWN_CARD_GRACE_MS);
        result = await feedbackOnce(serviceId, items, receivedAt, decide);
      }
      for (const row of result.snoozes) state.snoozes.apply(row);
      return result.outcome;
    },
    async ruleAnalytics() {
      await state.cards.flush();
      return ruleAnalytics(db);
    },
    async recordJti(iss, jti, liveUntil, now) {
      const outcome = await recordJti(db, iss, jti, liveUntil, now);
      if (now.getTime() - lastPrune >= JTI_PRUNE_INTERVAL_MS) {
        lastPrune = now.getTime();
        await pruneJtis(db, now);
      }
      return outcome;
    },
    ping: () => ping(db),
    async close() {
      await state.cards.flush();
      if (--state.users > 0) return;
      handles.delete(db);
      await Promise.all([state.cards.close(), state.snoozes.close()]);
      if (options.ownsDb) await db.destroy();
    },
  };
}
