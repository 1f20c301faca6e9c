import type { HookContext, HookName, PatientPicture } from './picture.js';
import type { Indicator, Recommendation, Rule } from './recommendation.js';

const urgency: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 };

/**
 * The rules to run for a hook, in evaluation order (priority, then registry order; a rule registered twice runs
 * once). Worked out once per registry and hook, not on every call: the registry is fixed at start-up.
 */
const plans = new WeakMap<readonly Rule[], { length: number; byHook: Map<HookName, readonly Rule[]> }>();

function planFor(rules: readonly Rule[], hook: HookName): readonly Rule[] {
  let plan = plans.get(rules);
  if (!plan || plan.length !== rules.length) {
    plan = { length: rules.length, byHook: new Map() };
    plans.set(rules, plan);
  }
  let ordered = plan.byHook.get(hook);
  if (!ordered) {
    const seen = new Set<string>();
    ordered = rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => rule.hooks.includes(hook))
      .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
      .filter(({ rule }) => {
        if (seen.has(rule.id)) return false;
        seen.add(rule.id);
        return true;
      })
      .map(({ rule }) => rule);
    plan.byHook.set(hook, ordered);
  }
  return ordered;
}

/**
 * Runs every rule registered for the hook, pure and synchronous.
 * @param rules - the registry
 * @param picture - the patient picture
 * @param ctx - the hook and the time of the call
 * @returns at most one recommendation per rule, ordered critical → warning → info, then by rule priority
 */
export function runRules(rules: readonly Rule[], picture: PatientPicture, ctx: HookContext): Recommendation[] {
  const out: { rec: Recommendation; order: number }[] = [];
  for (const rule of planFor(rules, ctx.hook)) {
    const rec = rule.evaluate(picture, ctx);
    if (rec) out.push({ rec, order: out.length });
  }
  return out.sort((a, b) => urgency[a.rec.indicator] - urgency[b.rec.indicator] || a.order - b.order).map(({ rec }) => rec);
}
