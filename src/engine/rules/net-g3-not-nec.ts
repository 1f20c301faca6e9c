import type { Recommendation, Rule, CitedFact } from '../recommendation.js';
import { isKnown } from '../picture.js';

/**
 * rules.md §4 `net-g3-not-nec` (seed 002; seed 003 ref 17, NORDIC NEC): a well-differentiated grade 3 neuroendocrine
 * tumour is a distinct entity, not a neuroendocrine carcinoma; platinum–etoposide works less well when Ki-67 is
 * below 55 % (NORDIC NEC: response 15 % vs 42 %).
 */

/** NORDIC NEC (Sorbye 2013, seed 003 ref 17) split the Ki-67 at 55 %. */
const NORDIC_KI67_SPLIT = 55;

export const netG3NotNec: Rule = {
  id: 'net-g3-not-nec',
  hooks: ['patient-view'],
  priority: 30,
  placeholders: ['ki67Note'],
  evaluate(picture, ctx) {
    if (ctx.hook !== 'patient-view' || picture.nen.nenClass !== 'NET-G3') return null;
    const nen = picture.nen;
    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `well-differentiated neuroendocrine tumour, grade 3: ${nen.basis}`,
        ...(nen.date ? { date: nen.date } : {}),
        sources: nen.sources,
      },
    ];
    let ki67Note: string;
    if (isKnown(picture.ki67)) {
      const ki67 = picture.ki67;
      facts.push({ label: 'Ki-67', value: `${ki67.value} %`, ...(ki67.date ? { date: ki67.date } : {}), sources: ki67.sources });
      ki67Note =
        ki67.value < NORDIC_KI67_SPLIT
          ? `Ki-67 here is ${ki67.value} % (${ki67.date?.slice(0, 10) ?? 'date not recorded'}): below ${NORDIC_KI67_SPLIT} %, the group in which platinum–etoposide response was only 15 %.`
          : `Ki-67 here is ${ki67.value} % (${ki67.date?.slice(0, 10) ?? 'date not recorded'}): ${NORDIC_KI67_SPLIT} % or more is unusual for a well-differentiated tumour — ask the pathologist to confirm the differentiation, as a carcinoma is treated with platinum–etoposide.`;
    } else {
      ki67Note = 'No Ki-67 is recorded (graded by mitotic count): the NORDIC NEC split at 55 % cannot be applied; a Ki-67 would help choose therapy.';
    }
    if (isKnown(picture.mitoticCount)) {
      const m = picture.mitoticCount;
      facts.push({ label: 'Mitotic count', value: `${m.value} ${m.unit}`, ...(m.date ? { date: m.date } : {}), sources: m.sources });
    }
    const rec: Recommendation = { ruleId: this.id, indicator: 'info', variant: 'default', values: { ki67Note }, facts, suggestions: [] };
    return rec;
  },
};
