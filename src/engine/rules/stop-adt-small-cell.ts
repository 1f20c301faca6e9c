import { classifyNepc, nepcFacts } from '../classify/nepc.js';
import { joinNames } from '../format.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';

/**
 * rules.md §4 `stop-adt-small-cell` (seed 000): small cell / neuroendocrine prostate cancer does not respond to
 * androgen deprivation. Chart open: current ADT; order entry: ADT in the drafts in scope.
 */
export const stopAdtSmallCell: Rule = {
  id: 'stop-adt-small-cell',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 100,
  placeholders: ['drug', 'drugAsRecorded'],
  evaluate(picture, ctx) {
    const nepc = classifyNepc(picture);
    if (nepc.status !== 'nepc') return null;

    const facts: CitedFact[] = [...nepcFacts(nepc)];
    let drugs: { drug: string; asRecorded: string }[];
    let suggestion: SuggestionSpec | null;

    if (ctx.hook === 'patient-view') {
      const adt = picture.therapies.filter((t) => t.status === 'current' && t.classes.includes('ADT'));
      if (adt.length === 0) return null;
      drugs = adt;
      facts.push(...adt.map((t) => ({ label: 'Current androgen deprivation', value: t.asRecorded, date: t.date, sources: t.sources })));
      const stoppable = adt.filter((t) => t.kind === 'request');
      suggestion =
        stoppable.length === 0
          ? null
          : {
              labelKey: 'stop',
              isRecommended: !nepc.mixed,
              actions: stoppable.map((t) => ({ kind: 'stop-therapy' as const, ref: t.ref, reason: 'Small cell / neuroendocrine histology' })),
            };
    } else {
      const drafts = picture.draftOrders.filter((d) => d.inScope && d.classes.includes('ADT'));
      if (drafts.length === 0) return null;
      drugs = drafts.map((d) => ({ drug: d.drug ?? d.asRecorded, asRecorded: d.asRecorded }));
      facts.push(...drafts.map((d) => ({ label: 'Androgen deprivation being ordered', value: d.asRecorded, sources: [d.ref] })));
      suggestion = {
        labelKey: 'remove',
        isRecommended: !nepc.mixed,
        actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })),
      };
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: nepc.mixed ? 'info' : 'warning',
      variant: nepc.mixed ? 'mixed' : 'pure',
      values: {
        drug: joinNames(drugs.map((d) => d.drug)),
        drugAsRecorded: joinNames(drugs.map((d) => d.asRecorded)),
      },
      facts,
      suggestions: suggestion ? [suggestion] : [],
    };
    return rec;
  },
};
