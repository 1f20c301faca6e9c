import { platinumEtoposide } from '../classify/regimens.js';
import { joinNames } from '../format.js';
import type { DrugClass } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `platinum-in-low-grade-net` (inferred from seed 004): platinum–etoposide is the regimen for poorly
 * differentiated neuroendocrine carcinoma, not for a confirmed well-differentiated NET G1/G2 (a *presumed* G1/G2 is
 * left to `grade-before-therapy`). Lung atypical carcinoid (lung grading, NET G2) is the exception where
 * platinum–etoposide is used: info there. "Ordered" = both drafted, or one drafted with the other current, with at
 * least one of the drafts in scope.
 */

const PARTNER: Record<'PLATINUM' | 'ETOPOSIDE', DrugClass> = { PLATINUM: 'ETOPOSIDE', ETOPOSIDE: 'PLATINUM' };

export const platinumInLowGradeNet: Rule = {
  id: 'platinum-in-low-grade-net',
  hooks: ['order-select', 'order-sign'],
  priority: 60,
  placeholders: ['drugs', 'grade', 'gradeShort', 'gradingSystem'],
  evaluate(picture, ctx) {
    const nen = picture.nen;
    if (nen.nenClass !== 'NET-G1' && nen.nenClass !== 'NET-G2') return null;
    const pe = platinumEtoposide(picture, ctx.settings.regimenWindowDays, nen.date);
    if (!pe.drafted.some((d) => d.inScope)) return null;

    // One drafted with the other current: name and cite the current partner too.
    const draftedClasses = new Set(pe.drafted.flatMap((d) => d.classes));
    const partners = picture.therapies.filter(
      (t) =>
        t.status === 'current' &&
        (['PLATINUM', 'ETOPOSIDE'] as const).some((c) => t.classes.includes(c) && !draftedClasses.has(c) && draftedClasses.has(PARTNER[c])),
    );

    const lung = nen.gradingSystem === 'who-lung';
    const atypicalCarcinoid = lung && nen.nenClass === 'NET-G2';
    const gradeNumber = nen.nenClass === 'NET-G1' ? 1 : 2;
    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `well-differentiated neuroendocrine tumour, grade ${gradeNumber} — ${nen.basis}`,
        date: nen.date,
        sources: nen.sources,
      },
      ...pe.drafted.map((d) => ({ label: d.inScope ? 'Being ordered' : 'In the same order set', value: d.asRecorded, sources: [d.ref] })),
      ...partners.map((t) => ({ label: 'Current', value: t.asRecorded, date: t.lastDate ?? t.date, sources: t.sources })),
    ];

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: atypicalCarcinoid ? 'info' : 'warning',
      variant: atypicalCarcinoid ? 'atypical-carcinoid' : 'net',
      values: {
        drugs: joinNames([...pe.drafted.map((d) => d.drug ?? d.asRecorded), ...partners.map((t) => t.drug)]),
        grade: lung ? `grade ${gradeNumber} (${gradeNumber === 1 ? 'typical' : 'atypical'} carcinoid)` : `grade ${gradeNumber}`,
        gradeShort: `grade ${gradeNumber}`,
        gradingSystem: lung ? 'lung criteria (mitoses per 2 mm² and necrosis)' : 'WHO 2019 digestive criteria (Ki-67 and mitoses per 2 mm²)',
      },
      facts,
      suggestions: [{ labelKey: 'remove', isRecommended: !atypicalCarcinoid, actions: pe.drafted.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) }],
    };
    return rec;
  },
};
