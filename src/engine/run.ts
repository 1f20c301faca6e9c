import type { HookContext, PatientPicture } from './picture.js';
import type { Indicator, Recommendation, Rule } from './recommendation.js';

const urgency: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Runs every rule registered for the hook, pure and synchronous.
 * @param rules - the registry
 * @param picture - the patient picture
 * @param ctx - the hook and the time of the call
 * @returns at most one recommendation per rule, ordered critical → warning → info, then by rule priority
 */
export function runRules(rules: readonly Rule[], picture: PatientPicture, ctx: HookContext): Recommendation[] {
  const seen = new Set<string>();
  return rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => rule.hooks.includes(ctx.hook))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .flatMap(({ rule }) => {
      if (seen.has(rule.id)) return [];
      seen.add(rule.id);
      const rec = rule.evaluate(picture, ctx);
      return rec ? [rec] : [];
    })
    .map((rec, order) => ({ rec, order }))
    .sort((a, b) => urgency[a.rec.indicator] - urgency[b.rec.indicator] || a.order - b.order)
    .map(({ rec }) => rec);
}
