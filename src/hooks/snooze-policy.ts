import type { ShownCard } from '../store/cards.js';
import type { FeedbackItem } from '../store/feedback.js';
import { OVERRIDE_REASON_SYSTEM } from './cards/render.js';

/**
 * Alert-fatigue control: which overrides hide a rule's cards for the patient for SNOOZE_DAYS.
 *
 * Snoozing reasons say the decision has been taken, by the team or the patient, so showing the same advice at every
 * chart open adds nothing. Every other reason of cards/*.md says the record is incomplete or outdated (results
 * elsewhere, re-checked labs, a resolved metastasis, mixed histology …) or gives a clinical exception: the card is
 * shown again next time, since the record may change, and the reason is kept for the rule's authors (analytics).
 */
export const SNOOZING_REASONS: ReadonlySet<string> = new Set(['tumour-board-decision', 'managed-by-oncologist', 'clinical-trial', 'patient-declines']);

/**
 * Order-time safety checks: each order or cycle is a new decision (a dose, this week's labs), so an override of
 * one never hides the next.
 */
export const NEVER_SNOOZED_RULES: ReadonlySet<string> = new Set(['chemo-dose-check', 'cisplatin-renal-risk', 'hepatic-dose-check', 'pre-cycle-labs']);

/**
 * @returns the reason code when this feedback snoozes the card's rule for its patient; critical cards never snooze
 */
export function snoozeReason(card: Pick<ShownCard, 'rule_id' | 'indicator'>, item: FeedbackItem): string | undefined {
  if (item.outcome !== 'overridden' || card.indicator === 'critical' || NEVER_SNOOZED_RULES.has(card.rule_id)) return undefined;
  const reason = item.overrideReason?.reason;
  if (!reason || (reason.system !== undefined && reason.system !== OVERRIDE_REASON_SYSTEM)) return undefined;
  return SNOOZING_REASONS.has(reason.code) ? reason.code : undefined;
}
