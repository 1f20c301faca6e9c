import type { RuleAnalytics } from '../store/analytics.js';
import type { CardTemplate } from './cards/templates.js';

export type RuleAnalyticsView = Omit<RuleAnalytics, 'overrideReasons'> & { overrideReasons: { code: string | null; display?: string; count: number }[] };

/** Names each override reason code as the rule's card offers it (cards/<rule>.md), for a reader of the figures. */
export function withReasonDisplays(rows: readonly RuleAnalytics[], templates: ReadonlyMap<string, CardTemplate>): RuleAnalyticsView[] {
  return rows.map((row) => {
    const offered = new Map((templates.get(row.ruleId)?.overrideReasons ?? []).map((r) => [r.code, r.display]));
    return {
      ...row,
      overrideReasons: row.overrideReasons.map((r) => {
        const display = r.code === null ? undefined : offered.get(r.code);
        return display ? { code: r.code, display, count: r.count } : r;
      }),
    };
  });
}
