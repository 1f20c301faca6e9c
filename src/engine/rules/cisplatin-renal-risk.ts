import { calvertDose } from '../calc/dose.js';
import { joinNames } from '../format.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { describeDated, isStale } from '../staleness.js';

/**
 * rules.md §4 `cisplatin-renal-risk` (seed 000, 002; cisplatin labelling): cisplatin drafted in scope (order-select,
 * order-sign). Critical when the GFR for dosing is below 30 mL/min; warning when below 60 mL/min or with peripheral
 * neuropathy ("prefer carboplatin"); info when the only concern is age at or above `elderlyAge`; info when no current
 * kidney function is known at all. Dialysis and hearing loss are not in the patient picture: the card says so.
 * Suggestion: replace the cisplatin draft with carboplatin at the Calvert dose, only with creatinine and weight at most
 * `inputMaxAgeDays` old.
 */

/** Cisplatin-ineligible below this creatinine clearance, mL/min: Galsky criteria (rules.md §4), not in the seeds. Not in RuleSettings. */
const CISPLATIN_INELIGIBLE_BELOW_ML_MIN = 60;
/** Cisplatin contraindicated below this creatinine clearance, mL/min: cisplatin labelling, severe renal impairment (rules.md §4). Not in RuleSettings. */
const CISPLATIN_AVOID_BELOW_ML_MIN = 30;

/** "45", "59.6": a number as a clinician reads it (at most one decimal). */
const num = (n: number) => String(Number(n.toFixed(1)));

type Level = 'critical' | 'warning' | 'elderly' | 'renal-not-current';

export const cisplatinRenalRisk: Rule = {
  id: 'cisplatin-renal-risk',
  hooks: ['order-select', 'order-sign'],
  priority: 90,
  placeholders: ['gfr', 'age', 'reasons', 'renalStatus', 'replaceNote'],
  evaluate(picture, ctx) {
    const drafts = picture.draftOrders.filter((d) => d.inScope && d.drug === 'cisplatin');
    if (drafts.length === 0) return null;

    const maxDays = ctx.settings.inputMaxAgeDays;
    const { gfrForDosing: gfr, creatinine } = picture.renal;
    const { age, weight, neuropathy } = picture;
    const gfrKnown = isKnown(gfr);
    const gfrStale = gfrKnown && isStale(gfr, ctx.now, maxDays);
    const elderly = isKnown(age) && age.value >= ctx.settings.elderlyAge;

    const reasons: string[] = [];
    let level: Level | null = null;
    if (gfrKnown && gfr.value < CISPLATIN_AVOID_BELOW_ML_MIN) {
      level = 'critical';
      reasons.push(`kidney function ${num(gfr.value)} mL/min (below ${CISPLATIN_AVOID_BELOW_ML_MIN})`);
    } else if (gfrKnown && gfr.value < CISPLATIN_INELIGIBLE_BELOW_ML_MIN) {
      level = 'warning';
      reasons.push(`kidney function ${num(gfr.value)} mL/min (below ${CISPLATIN_INELIGIBLE_BELOW_ML_MIN})`);
    }
    if (isKnown(neuropathy)) {
      level ??= 'warning';
      reasons.push('peripheral neuropathy');
    }
    if (elderly) {
      level ??= 'elderly';
      reasons.push(`age ${age.value}`);
    }
    if (level === null && (!gfrKnown || gfrStale)) level = 'renal-not-current';
    if (level === null) return null;

    const facts: CitedFact[] = drafts.map((d) => ({
      label: 'Cisplatin being ordered',
      value: d.dose ? `${d.asRecorded} (${d.dose.value} ${d.dose.unit})` : d.asRecorded,
      sources: [d.ref],
    }));
    if (gfrKnown) {
      facts.push({
        label: `GFR for dosing (${gfr.method})`,
        value: `${num(gfr.value)} mL/min: ${gfr.formula}`,
        ...(gfr.date ? { date: gfr.date } : {}),
        sources: gfr.sources,
      });
    }
    if (isKnown(creatinine))
      facts.push({
        label: 'Serum creatinine',
        value: `${creatinine.value} ${creatinine.unit}`,
        ...(creatinine.date ? { date: creatinine.date } : {}),
        sources: creatinine.sources,
      });
    if (isKnown(neuropathy))
      facts.push({
        label: 'Peripheral neuropathy',
        value: neuropathy.value,
        ...(neuropathy.date ? { date: neuropathy.date } : {}),
        sources: neuropathy.sources,
      });
    if (elderly) facts.push({ label: 'Age', value: `${age.value} years`, sources: age.sources });

    const renalStatus = gfrKnown
      ? `GFR for dosing ${describeDated(`${num(gfr.value)} mL/min`, gfr, ctx.now, maxDays)}, by ${gfr.formula}.${gfrStale ? ' This value is not current: repeat the creatinine before the cycle.' : ''}`
      : `No GFR for dosing could be computed (${gfr.reason}). Check the creatinine clearance before giving cisplatin.`;

    // Replacement: only with creatinine and weight at most inputMaxAgeDays old (and a GFR to put into Calvert).
    const gaps: string[] = [];
    if (!isKnown(creatinine)) gaps.push(`serum creatinine: ${creatinine.reason}`);
    else if (isStale(creatinine, ctx.now, maxDays))
      gaps.push(`serum creatinine ${describeDated(`${creatinine.value} ${creatinine.unit}`, creatinine, ctx.now, maxDays)}`);
    if (!isKnown(weight)) gaps.push(`weight: ${weight.reason}`);
    else if (isStale(weight, ctx.now, maxDays)) gaps.push(`weight ${describeDated(`${weight.value} kg`, weight, ctx.now, maxDays)}`);
    if (!gfrKnown) gaps.push('no GFR for dosing');

    const suggestions: SuggestionSpec[] = [];
    let replaceNote: string;
    if (level === 'renal-not-current') {
      replaceNote = 'No carboplatin dose is proposed without a current kidney function.';
    } else if (gaps.length > 0 || !gfrKnown) {
      replaceNote = `No carboplatin dose is proposed: ${gaps.join('; ')}. Carboplatin is dosed by the Calvert formula from a current creatinine and weight (at most ${maxDays} days old).`;
    } else {
      const auc = ctx.settings.carboplatinAuc;
      const dose = calvertDose(auc, gfr.value);
      const note = `Carboplatin AUC ${auc}: ${dose.formula}, ${dose.rounding}. GFR for dosing ${num(gfr.value)} mL/min (${gfr.formula}) from values of ${gfr.date?.slice(0, 10) ?? 'an unrecorded date'}. Replaces the cisplatin draft.`;
      replaceNote = `The suggestion removes the cisplatin order and drafts carboplatin AUC ${auc} = ${dose.mg} mg (${dose.formula}, ${dose.rounding}) on day 1 of each 21-day cycle, as a proposal: verify before signing.`;
      suggestions.push({
        labelKey: 'replace',
        isRecommended: level !== 'elderly',
        actions: [
          ...drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })),
          {
            kind: 'propose-medication' as const,
            order: {
              drug: 'carboplatin',
              dose: { value: dose.mg, unit: 'mg' },
              route: 'intravenous' as const,
              schedule: 'day 1 of each 21-day cycle',
              cycle: { days: [1], lengthDays: 21 },
              note,
            },
          },
        ],
      });
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: level === 'critical' ? 'critical' : level === 'warning' ? 'warning' : 'info',
      variant: level,
      values: {
        gfr: gfrKnown ? num(gfr.value) : 'unknown',
        age: isKnown(age) ? String(age.value) : 'unknown',
        reasons: joinNames(reasons),
        renalStatus,
        replaceNote,
      },
      facts,
      suggestions,
    };
    return rec;
  },
};
