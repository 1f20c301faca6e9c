import { classifyNepc, nepcFacts } from '../classify/nepc.js';
import { joinNames } from '../format.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';

/**
 * rules.md §4 `parpi-without-hrr` (seed 000: "DNA repair mutations and small cell histology are almost mutually
 * exclusive"; seed 001: PARP inhibitors are studied for homologous recombination repair–altered neuroendocrine prostate
 * cancer). Order entry: a PARP inhibitor being ordered (drafts in scope) for small cell / neuroendocrine prostate
 * cancer without an HRR alteration on record. Not tested (or indeterminate) → order HRR testing first, with a draft
 * genomic test unless one is already ordered; tested negative → the mutual-exclusivity wording; positive → no card.
 */

const GENOMIC_TEST = 'genomic-test';

export const parpiWithoutHrr: Rule = {
  id: 'parpi-without-hrr',
  hooks: ['order-select', 'order-sign'],
  priority: 60,
  placeholders: ['drug', 'drugAsRecorded', 'testStatus'],
  evaluate(picture, ctx) {
    if (ctx.hook === 'patient-view') return null;
    const nepc = classifyNepc(picture);
    if (nepc.status !== 'nepc') return null;
    const drafts = picture.draftOrders.filter((d) => d.inScope && d.classes.includes('PARPI'));
    if (drafts.length === 0) return null;

    const hrr = picture.biomarkers.hrr;
    if (isKnown(hrr) && hrr.value === 'positive') return null;

    const facts: CitedFact[] = [...nepcFacts(nepc), ...drafts.map((d) => ({ label: 'PARP inhibitor being ordered', value: d.asRecorded, sources: [d.ref] }))];

    const variant = !isKnown(hrr) ? 'untested' : hrr.value === 'negative' ? 'negative' : 'indeterminate';
    if (isKnown(hrr)) facts.push({ label: 'Homologous recombination repair gene alteration', value: hrr.value, date: hrr.date, sources: hrr.sources });

    // A genomic test already ordered (on record or among the drafts) is not proposed again.
    const pendingTests = picture.procedures.filter((p) => p.category === 'genomic-test' && p.status === 'ordered');
    const doneTests = picture.procedures.filter((p) => p.category === 'genomic-test' && p.status === 'done');
    const draftTest = picture.draftOrders.find((d) => d.procedure === GENOMIC_TEST);
    facts.push(...[...pendingTests, ...doneTests].map((p) => ({ label: `Genomic test (${p.status})`, value: p.display, date: p.date, sources: p.sources })));

    let testStatus: string;
    if (!isKnown(hrr)) testStatus = `No homologous recombination repair result is on record (${hrr.reason}).`;
    else testStatus = `Homologous recombination repair testing: ${hrr.value}${hrr.date ? ` on ${hrr.date.slice(0, 10)}` : ' (date not recorded)'}.`;
    if (draftTest) testStatus += ` A genomic test is among the orders being placed (${draftTest.asRecorded}).`;
    else if (pendingTests.length > 0)
      testStatus += ` A genomic test is already ordered (${joinNames(pendingTests.map((p) => `${p.display}${p.date ? ` on ${p.date.slice(0, 10)}` : ''}`))}): await its result.`;
    else if (variant === 'untested' && doneTests.length > 0)
      testStatus += ' A genomic test is on record as done, but no HRR result could be read from it: check the report.';

    const propose = variant !== 'negative' && !draftTest && pendingTests.length === 0 && !(variant === 'untested' && doneTests.length > 0);
    const suggestions: SuggestionSpec[] = propose
      ? [
          {
            labelKey: 'order-test',
            isRecommended: true,
            actions: [
              {
                kind: 'propose-service',
                order: {
                  procedure: GENOMIC_TEST,
                  text: 'Homologous recombination repair (HRR) gene testing: tumour sequencing and germline testing (BRCA1, BRCA2, ATM, PALB2, CDK12 and other HRR genes)',
                  category: 'genetics',
                  reason: `Before a PARP inhibitor (${joinNames(drafts.map((d) => d.drug ?? d.asRecorded))}) for small cell / neuroendocrine prostate cancer`,
                },
              },
            ],
          },
        ]
      : [];

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant,
      values: {
        drug: joinNames(drafts.map((d) => d.drug ?? d.asRecorded)),
        drugAsRecorded: joinNames(drafts.map((d) => d.asRecorded)),
        testStatus,
      },
      facts,
      suggestions,
    };
    return rec;
  },
};
