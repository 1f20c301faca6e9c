import { joinNames } from '../format.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `well-differentiated-net-options` (seed 002, 004): a confirmed well-differentiated G1 or G2
 * neuroendocrine tumour (not a presumed grade) with metastases: somatostatin analogue first line, somatostatin
 * receptor PET first, liver-directed therapy and debulking for liver metastases, PRRT after progression on a
 * somatostatin analogue, everolimus / sunitinib by primary site.
 */

const GI_SITES = new Set(['colon', 'rectum']);

export const wellDifferentiatedNetOptions: Rule = {
  id: 'well-differentiated-net-options',
  hooks: ['patient-view'],
  priority: 20,
  placeholders: ['grade', 'targetedOptions', 'liverOptions', 'mixedNote'],
  evaluate(picture, ctx) {
    const nenClass = picture.nen.nenClass;
    if (ctx.hook !== 'patient-view' || (nenClass !== 'NET-G1' && nenClass !== 'NET-G2')) return null;
    if (picture.metastases.length === 0) return null;
    const nen = picture.nen;
    const grade = nenClass === 'NET-G1' ? 'G1' : 'G2';
    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `well-differentiated neuroendocrine tumour, ${grade}: ${nen.basis}`,
        ...(nen.date ? { date: nen.date } : {}),
        sources: nen.sources,
      },
      ...picture.cancers.map((c) => ({ label: 'Cancer', value: c.display, ...(c.date ? { date: c.date } : {}), sources: c.sources })),
      ...picture.metastases.map((m) => ({ label: 'Metastasis', value: m.display, ...(m.date ? { date: m.date } : {}), sources: m.sources })),
      ...picture.therapies
        .filter((t) => t.status === 'current' && t.classes.some((c) => c === 'SSA' || c === 'PRRT' || c === 'MTOR/TKI-PNET'))
        .map((t) => ({ label: 'Current neuroendocrine tumour therapy', value: t.asRecorded, ...(t.date ? { date: t.date } : {}), sources: t.sources })),
    ];

    const sites = new Set(picture.cancers.map((c) => c.primarySite));
    const targeted: string[] = [];
    if (sites.has('pancreas')) targeted.push('everolimus or sunitinib (pancreatic neuroendocrine tumour)');
    if (sites.has('lung')) targeted.push('everolimus (lung neuroendocrine tumour)');
    if ([...sites].some((s) => GI_SITES.has(s))) targeted.push('everolimus (gastrointestinal neuroendocrine tumour)');
    const targetedOptions =
      targeted.length > 0
        ? `Targeted therapy for progressive disease: ${joinNames(targeted)}.`
        : 'Targeted therapy for progressive disease depends on the primary site, which the record does not give: everolimus (pancreatic, lung, gastrointestinal) or sunitinib (pancreatic only).';

    const liver = picture.metastases.filter((m) => m.site === 'liver');
    const liverOptions =
      liver.length > 0
        ? 'Liver metastases are on record: liver-directed therapy (embolisation — TAE, TACE, TARE — or ablation) and surgical debulking are options; decide in a neuroendocrine tumour board.'
        : 'No liver metastasis on record: liver-directed therapy does not apply now.';

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: 'default',
      values: {
        grade,
        targetedOptions,
        liverOptions,
        mixedNote: nen.mixed
          ? 'This is a mixed neuroendocrine–non-neuroendocrine neoplasm (MiNEN): the non-neuroendocrine component may drive treatment; these options apply to the neuroendocrine part only.'
          : '',
      },
      facts,
      suggestions: [],
    };
    return rec;
  },
};
