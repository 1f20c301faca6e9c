import { ruleAnalytics, type RuleAnalytics } from './analytics.js';
import { findCards, recordCards, type ShownCard } from './cards.js';
import { ping, type StoreDb } from './db.js';
import { insertFeedback, type FeedbackItem } from './feedback.js';
import { pruneJtis, recordJti } from './jti.js';
import { patientHasher } from './patient-hash.js';
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
  recordShown(shown: { serviceId: string; hookInstance: string; patientId: string; at: Date; cards: readonly CardShown[] }): Promise<void>;
  /** Rules whose info/warning cards are snoozed for this patient at `now`. */
  snoozedRules(patientId: string, now: Date): Promise<Set<string>>;
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
}

const JTI_PRUNE_INTERVAL_MS = 60_000;

/** @param db - an open, migrated database (see `openDatabase`, `migrateToLatest`) */
export function createStore(db: StoreDb, options: StoreOptions): Store {
  const hash = patientHasher(options.patientHashSalt);
  let lastPrune = 0;
  return {
    async recordShown({ serviceId, hookInstance, patientId, at, cards }) {
      const patientHash = hash(patientId);
      await recordCards(
        db,
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
    snoozedRules: (patientId, now) => snoozedRules(db, hash(patientId), now, options.snoozeDays),
    recordFeedback: (serviceId, items, receivedAt, decide) =>
      db.transaction().execute(async (tx) => {
        const cards = await findCards(
          tx,
          serviceId,
          items.map((i) => i.card),
        );
        const unknownCards = [...new Set(items.filter((i) => !cards.has(i.card)).map((i) => i.card))];
        if (unknownCards.length > 0) return { unknownCards };
        let stored = 0;
        let snoozed = 0;
        for (const item of items) {
          const card = cards.get(item.card)!;
          if (!(await insertFeedback(tx, card, item, receivedAt))) continue;
          stored++;
          const reason = options.snoozeDays > 0 ? decide(card, item) : undefined;
          if (reason) {
            await snooze(tx, { patient_hash: card.patient_hash, rule_id: card.rule_id, snoozed_at: receivedAt, card_uuid: card.uuid, reason_code: reason });
            snoozed++;
          }
        }
        return { stored, duplicates: items.length - stored, snoozed };
      }),
    ruleAnalytics: () => ruleAnalytics(db),
    async recordJti(iss, jti, liveUntil, now) {
      const outcome = await recordJti(db, iss, jti, liveUntil, now);
      if (now.getTime() - lastPrune >= JTI_PRUNE_INTERVAL_MS) {
        lastPrune = now.getTime();
        await pruneJtis(db, now);
      }
      return outcome;
    },
    ping: () => ping(db),
    close: async () => {
      if (options.ownsDb) await db.destroy();
    },
  };
}
