import { sql } from 'kysely';
import type { StoreDb } from './db.js';

/** How one rule's cards fared: each card counts once per outcome, however often its feedback was sent. */
export interface RuleAnalytics {
  ruleId: string;
  shown: number;
  accepted: number;
  overridden: number;
  /** accepted ÷ shown, 3 decimals. */
  acceptanceRate: number;
  /** Most frequent first; `code: null` counts overrides without a reason. */
  overrideReasons: { code: string | null; count: number }[];
}

/** Every rule that has shown a card, most shown first. */
export async function ruleAnalytics(db: StoreDb): Promise<RuleAnalytics[]> {
  const outcome = (name: 'accepted' | 'overridden') =>
    sql<number>`count(*) filter (where exists (select 1 from feedback f where f.card_uuid = cards.uuid and f.outcome = ${name}))::int`;
  const totals = await db
    .selectFrom('cards')
    .select(['rule_id', sql<number>`count(*)::int`.as('shown'), outcome('accepted').as('accepted'), outcome('overridden').as('overridden')])
    .groupBy('rule_id')
    .execute();
  const reasons = await db
    .selectFrom('feedback')
    .innerJoin('cards', 'cards.uuid', 'feedback.card_uuid')
    .select(['cards.rule_id', 'feedback.override_reason_code as code', sql<number>`count(distinct feedback.card_uuid)::int`.as('count')])
    .where('feedback.outcome', '=', 'overridden')
    .groupBy(['cards.rule_id', 'feedback.override_reason_code'])
    .execute();

  return totals
    .map((t) => ({
      ruleId: t.rule_id,
      shown: t.shown,
      accepted: t.accepted,
      overridden: t.overridden,
      acceptanceRate: t.shown === 0 ? 0 : Math.round((t.accepted / t.shown) * 1000) / 1000,
      overrideReasons: reasons
        .filter((r) => r.rule_id === t.rule_id)
        .map((r) => ({ code: r.code, count: r.count }))
        .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code))),
    }))
    .sort((a, b) => b.shown - a.shown || a.ruleId.localeCompare(b.ruleId));
}
