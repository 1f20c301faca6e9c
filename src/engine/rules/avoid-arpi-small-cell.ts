import { classifyNepc, nepcFacts } from '../classify/nepc.js';
import { joinNames } from '../format.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { ABIRATERONE_STEROIDS } from '../drugs.js';

/**
 * rules.md §4 `avoid-arpi-small-cell` (seed 000: "Do not use abiraterone or enzalutamide — these androgen pathway
 * inhibitors are ineffective for small cell/neuroendocrine transformation"). Small cell / neuroendocrine prostate
 * cancer and an androgen receptor pathway inhibitor or a first-generation antiandrogen current (chart open) or ordered
 * (drafts in scope). Pure small cell → warning; mixed with an adenocarcinoma component → info. Abiraterone is given
 * with prednisone: stopping it means reviewing the prednisone (a taper when it has been taken long-term).
 */

/** Glucocorticoids given with abiraterone, when the record shows them. */

export const avoidArpiSmallCell: Rule = {
  id: 'avoid-arpi-small-cell',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 95,
  placeholders: ['drug', 'drugAsRecorded', 'has', 'steroidNote', 'steroidDetail'],
  evaluate(picture, ctx) {
    const nepc = classifyNepc(picture);
    if (nepc.status !== 'nepc') return null;

    const facts: CitedFact[] = [...nepcFacts(nepc)];
    const isAndrogenPathway = (classes: readonly string[]) => classes.includes('ARPI') || classes.includes('ANTIANDROGEN');
    let drugs: { drug: string; asRecorded: string }[];
    let suggestion: SuggestionSpec | null;
    let steroidNote = '';
    let steroidDetail = '';

    if (ctx.hook === 'patient-view') {
      const current = picture.therapies.filter((t) => t.status === 'current' && isAndrogenPathway(t.classes));
      if (current.length === 0) return null;
      drugs = current;
      facts.push(...current.map((t) => ({ label: 'Current androgen pathway inhibitor', value: t.asRecorded, date: t.date, sources: t.sources })));
      if (current.some((t) => t.drug === 'abiraterone')) {
        const steroids = picture.therapies.filter((t) => t.status === 'current' && ABIRATERONE_STEROIDS.has(t.drug));
        facts.push(...steroids.map((t) => ({ label: 'Current glucocorticoid', value: t.asRecorded, date: t.date, sources: t.sources })));
        steroidNote = ' and review its prednisone (taper if long-term)';
        steroidDetail = `**When stopping abiraterone, review its prednisone.** Abiraterone is given with prednisone (or prednisolone); ${
          steroids.length > 0
            ? `${joinNames(steroids.map((t) => t.asRecorded))} is on record`
            : 'no glucocorticoid is on record here, so check the medication list'
        }. After long-term use, taper the glucocorticoid rather than stopping it abruptly (adrenal insufficiency); it may also be kept if the chemotherapy regimen uses it.`;
      }
      const stoppable = current.filter((t) => t.kind === 'request');
      suggestion =
        stoppable.length === 0
          ? null
          : {
              labelKey: 'stop',
              isRecommended: !nepc.mixed,
              actions: stoppable.map((t) => ({
                kind: 'stop-therapy' as const,
                ref: t.ref,
                reason: 'Small cell / neuroendocrine histology: no expected benefit',
              })),
            };
    } else {
      const drafts = picture.draftOrders.filter((d) => d.inScope && isAndrogenPathway(d.classes));
      if (drafts.length === 0) return null;
      drugs = drafts.map((d) => ({ drug: d.drug ?? d.asRecorded, asRecorded: d.asRecorded }));
      facts.push(...drafts.map((d) => ({ label: 'Androgen pathway inhibitor being ordered', value: d.asRecorded, sources: [d.ref] })));
      if (drafts.some((d) => d.drug === 'abiraterone')) {
        steroidNote = ' and any prednisone ordered with it';
        steroidDetail =
          '**Abiraterone is ordered with prednisone.** If a prednisone order goes with this abiraterone order, review it too; if the patient already takes prednisone long-term, taper rather than stop it abruptly.';
      }
      suggestion = { labelKey: 'remove', isRecommended: !nepc.mixed, actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) };
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: nepc.mixed ? 'info' : 'warning',
      variant: nepc.mixed ? 'mixed' : 'pure',
      values: {
        drug: joinNames(drugs.map((d) => d.drug)),
        drugAsRecorded: joinNames(drugs.map((d) => d.asRecorded)),
        has: new Set(drugs.map((d) => d.drug)).size > 1 ? 'have' : 'has',
        steroidNote,
        steroidDetail,
      },
      facts,
      suggestions: suggestion ? [suggestion] : [],
    };
    return rec;
  },
};
