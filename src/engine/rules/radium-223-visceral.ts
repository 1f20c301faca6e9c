import { joinNames } from '../format.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { ABIRATERONE_STEROIDS } from '../drugs.js';

/**
 * rules.md §4 `radium-223-visceral` (seed 000: "Do not use radium-223 — this is contraindicated in patients with
 * visceral metastases"; Xofigo labelling: castration-resistant prostate cancer with symptomatic bone metastases and
 * no known visceral metastatic disease). Radium-223 current (chart open) or ordered (drafts in scope) with visceral
 * metastases (liver, lung, pleura, brain, adrenal, peritoneum): warning. Critical when abiraterone (given with
 * prednisone) is current or being ordered too: ERA 223 found more fractures and deaths with the combination, and the
 * EU label contraindicates it.
 */

export const radium223Visceral: Rule = {
  id: 'radium-223-visceral',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 110,
  placeholders: ['drugAsRecorded', 'visceralSites', 'administrationNote'],
  evaluate(picture, ctx) {
    const visceral = picture.metastases.filter((m) => m.visceral);
    if (visceral.length === 0) return null;

    const facts: CitedFact[] = [];
    let asRecorded: string[];
    let suggestion: SuggestionSpec | null;
    let administrationNote = '';

    if (ctx.hook === 'patient-view') {
      const radium = picture.therapies.filter((t) => t.status === 'current' && t.classes.includes('RADIUM'));
      if (radium.length === 0) return null;
      asRecorded = radium.map((t) => t.asRecorded);
      facts.push(...radium.map((t) => ({ label: 'Current radium-223', value: t.asRecorded, date: t.lastDate ?? t.date, sources: t.sources })));
      const stoppable = radium.filter((t) => t.kind === 'request');
      suggestion =
        stoppable.length === 0
          ? null
          : {
              labelKey: 'stop',
              actions: stoppable.map((t) => ({ kind: 'stop-therapy' as const, ref: t.ref, reason: 'Visceral metastases: radium-223 is not indicated' })),
            };
      const given = radium.filter((t) => t.kind === 'administration');
      if (given.length > 0) {
        const last = given
          .map((t) => t.lastDate ?? t.date)
          .filter((d): d is string => d !== undefined)
          .sort()
          .at(-1);
        administrationNote = `Radium-223 is recorded as given${last ? ` (last on ${last.slice(0, 10)})` : ''}: do not give the next injection.`;
      }
    } else {
      const drafts = picture.draftOrders.filter((d) => d.inScope && d.classes.includes('RADIUM'));
      if (drafts.length === 0) return null;
      asRecorded = drafts.map((d) => d.asRecorded);
      facts.push(...drafts.map((d) => ({ label: 'Radium-223 being ordered', value: d.asRecorded, sources: [d.ref] })));
      suggestion = { labelKey: 'remove', actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) };
    }

    facts.push(...visceral.map((m) => ({ label: `Visceral metastasis (${m.site})`, value: m.display, date: m.date, sources: m.sources })));

    const abiraterone = picture.therapies.filter((t) => t.status === 'current' && t.drug === 'abiraterone');
    const abirateroneDrafts = picture.draftOrders.filter((d) => d.drug === 'abiraterone');
    const withAbiraterone = abiraterone.length > 0 || abirateroneDrafts.length > 0;
    if (withAbiraterone) {
      facts.push(
        ...abiraterone.map((t) => ({ label: 'Current abiraterone', value: t.asRecorded, date: t.date, sources: t.sources })),
        ...abirateroneDrafts.map((d) => ({ label: 'Abiraterone being ordered', value: d.asRecorded, sources: [d.ref] })),
        ...picture.therapies
          .filter((t) => t.status === 'current' && ABIRATERONE_STEROIDS.has(t.drug))
          .map((t) => ({ label: 'Current glucocorticoid', value: t.asRecorded, date: t.date, sources: t.sources })),
      );
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: withAbiraterone ? 'critical' : 'warning',
      variant: withAbiraterone ? 'with-abiraterone' : 'visceral',
      values: {
        drugAsRecorded: joinNames(asRecorded),
        visceralSites: joinNames(visceral.map((m) => m.site)),
        administrationNote,
      },
      facts,
      suggestions: suggestion ? [{ ...suggestion, isRecommended: true }] : [],
    };
    return rec;
  },
};
