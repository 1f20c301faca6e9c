import { bsaDose, calvertDose, compareToRange } from '../calc/dose.js';
import { joinNames } from '../format.js';
import { type DraftOrder, isKnown, type PatientPicture, type RuleSettings } from '../picture.js';
import type { CitedFact, Dose, ProposedAction, Recommendation, Rule } from '../recommendation.js';
import { describeDated, isStale } from '../staleness.js';

/**
 * rules.md §4 `chemo-dose-check` (seed 000 ranges; Calvert formula and cap: carboplatin labelling; docetaxel and
 * cabazitaxel labelling): order-sign only. Every IV carboplatin, cisplatin, etoposide, docetaxel or cabazitaxel draft in
 * scope that states a dose is compared with the usual range. A dose in mg/m² is compared directly; a dose in mg with the
 * range × body surface area (carboplatin: the Calvert doses at AUC 4 and 6). Above the upper bound by more than 10 % →
 * warning, by more than 25 % → critical; below the range → info (reductions are legitimate); an input missing or older
 * than `inputMaxAgeDays` → info naming it. Oral etoposide is not checked (oral ≈ 2 × IV). One card per call; the
 * indicator is the worst finding. Suggestion (only for doses above the range): set each such draft to the standard dose.
 */

/** Above the upper bound by more than this fraction → warning (rules.md §4; not in RuleSettings). */
const DOSE_WARNING_OVER = 0.1;
/** Above the upper bound by more than this fraction → critical (rules.md §4; not in RuleSettings). */
const DOSE_CRITICAL_OVER = 0.25;
/** Carboplatin AUC range per regimen (rules.md §4: 4–6; seed 000 gives AUC 4–5 with cabazitaxel, 5–6 otherwise). */
const CARBOPLATIN_AUC_RANGE = { low: 4, high: 6 } as const;

interface BsaRange {
  low: number;
  high: number;
  /** What the range is per ("per cycle", "per day"). */
  per: string;
  /** The standard dose the suggestion sets, and where it comes from. */
  standard: (s: RuleSettings) => number;
}

/** mg/m² ranges of rules.md §4 (seed 000; docetaxel and cabazitaxel labelling). */
const BSA_RANGES: Record<string, BsaRange> = {
  cisplatin: { low: 60, high: 80, per: 'per cycle (split dosing over several days is allowed)', standard: (s) => s.cisplatinMgM2 },
  etoposide: { low: 80, high: 120, per: 'per day', standard: (s) => s.etoposideMgM2 },
  docetaxel: { low: 60, high: 75, per: 'per cycle', standard: () => 75 },
  cabazitaxel: { low: 20, high: 25, per: 'per cycle', standard: () => 25 },
};
const CHECKED = new Set(['carboplatin', ...Object.keys(BSA_RANGES)]);

type Level = 'critical' | 'warning' | 'below' | 'unchecked';
const RANK: Record<Level, number> = { critical: 0, warning: 1, below: 2, unchecked: 3 };

interface Finding {
  drug: string;
  level: Level;
  text: string;
  fix?: { ref: string; dose: Dose; how: string };
}

const num = (n: number, digits = 1) => String(Number(n.toFixed(digits)));
const isMgM2 = (unit: string) => /^mg\/m(2|²|\^2)$/i.test(unit.replace(/\s+/g, ''));
const isMg = (unit: string) => /^mg$/i.test(unit.trim());
const isAuc = (unit: string) => /^(auc|mg\/ml\.?min|mg\.?min\/ml)$/i.test(unit.replace(/[\s·*]+/g, ''));
const unitText = (unit: string) => (isMgM2(unit) ? 'mg/m²' : unit);

/** Where the ordered dose sits; undefined when it is within the range or above it by no more than the warning band. */
function band(ordered: number, low: number, high: number): { level: 'critical' | 'warning' | 'below'; overBy: number } | undefined {
  const { position, overBy } = compareToRange(ordered, low, high);
  if (position === 'below') return { level: 'below', overBy: 0 };
  // Rounded so that exactly +10 % / +25 % (82.5 vs 75 gives 0.1000…01 in binary) is not "more than".
  const over = Math.round(overBy * 1e9) / 1e9;
  if (over > DOSE_CRITICAL_OVER) return { level: 'critical', overBy };
  if (over > DOSE_WARNING_OVER) return { level: 'warning', overBy };
  return undefined;
}

function describeBand(b: { level: 'critical' | 'warning' | 'below'; overBy: number }): string {
  return b.level === 'below'
    ? 'below the usual range (a dose reduction may be intended)'
    : `${num(b.overBy * 100)} % above the upper bound (${b.level === 'critical' ? 'more than 25 %' : 'more than 10 %'})`;
}

interface Inputs {
  facts: CitedFact[];
  usedBsa: boolean;
  usedGfr: boolean;
}

function checkCarboplatin(d: DraftOrder, dose: Dose, picture: PatientPicture, settings: RuleSettings, now: Date, inputs: Inputs): Finding | undefined {
  const label = `carboplatin ${dose.value} ${unitText(dose.unit)}`;
  const { low, high } = CARBOPLATIN_AUC_RANGE;
  if (isAuc(dose.unit)) {
    const b = band(dose.value, low, high);
    if (!b) return undefined;
    return {
      drug: 'carboplatin',
      level: b.level,
      text: `${label}: usual range AUC ${low}–${high}; ${describeBand(b)}`,
      ...(b.level === 'below'
        ? {}
        : { fix: { ref: d.ref, dose: { value: settings.carboplatinAuc, unit: dose.unit }, how: `carboplatin AUC ${settings.carboplatinAuc}` } }),
    };
  }
  if (!isMg(dose.unit))
    return {
      drug: 'carboplatin',
      level: 'unchecked',
      text: `${label}: not checked — carboplatin is dosed in mg by the Calvert formula (AUC × (GFR + 25)); a dose in ${unitText(dose.unit)} cannot be compared`,
    };
  const gfr = picture.renal.gfrForDosing;
  if (!isKnown(gfr)) return { drug: 'carboplatin', level: 'unchecked', text: `${label}: not checked — no GFR for dosing (${gfr.reason})` };
  if (isStale(gfr, now, settings.inputMaxAgeDays)) {
    inputs.usedGfr = true;
    return {
      drug: 'carboplatin',
      level: 'unchecked',
      text: `${label}: not checked — GFR for dosing ${describeDated(`${num(gfr.value, 0)} mL/min`, gfr, now, settings.inputMaxAgeDays)}; repeat creatinine and weight`,
    };
  }
  inputs.usedGfr = true;
  const lowDose = calvertDose(low, gfr.value);
  const highDose = calvertDose(high, gfr.value);
  const b = band(dose.value, lowDose.exactMg, highDose.exactMg);
  if (!b) return undefined;
  const text = `${label}: Calvert range at GFR ${num(gfr.value, 0)} mL/min is ${num(lowDose.exactMg, 0)}–${num(highDose.exactMg, 0)} mg (${lowDose.formula}; ${highDose.formula}); ${describeBand(b)}`;
  if (b.level === 'below') return { drug: 'carboplatin', level: 'below', text };
  const standard = calvertDose(settings.carboplatinAuc, gfr.value);
  return {
    drug: 'carboplatin',
    level: b.level,
    text,
    fix: { ref: d.ref, dose: { value: standard.mg, unit: 'mg' }, how: `carboplatin ${standard.mg} mg (${standard.formula}, ${standard.rounding})` },
  };
}

function checkBsaDrug(
  d: DraftOrder,
  drug: string,
  range: BsaRange,
  dose: Dose,
  picture: PatientPicture,
  settings: RuleSettings,
  now: Date,
  inputs: Inputs,
): Finding | undefined {
  const label = `${drug} ${dose.value} ${unitText(dose.unit)}`;
  const rangeText = `usual range ${range.low}–${range.high} mg/m² ${range.per}`;
  const standard = range.standard(settings);
  if (isMgM2(dose.unit)) {
    const b = band(dose.value, range.low, range.high);
    if (!b) return undefined;
    return {
      drug,
      level: b.level,
      text: `${label}: ${rangeText}; ${describeBand(b)}`,
      ...(b.level === 'below' ? {} : { fix: { ref: d.ref, dose: { value: standard, unit: 'mg/m2' }, how: `${drug} ${standard} mg/m²` } }),
    };
  }
  if (!isMg(dose.unit)) return { drug, level: 'unchecked', text: `${label}: not checked — dose unit "${dose.unit}" is neither mg nor mg/m²` };
  const bsa = picture.bsa;
  if (!isKnown(bsa)) return { drug, level: 'unchecked', text: `${label}: not checked — no body surface area (${bsa.reason})` };
  inputs.usedBsa = true;
  if (isStale(bsa, now, settings.inputMaxAgeDays)) {
    return {
      drug,
      level: 'unchecked',
      text: `${label}: not checked — body surface area ${describeDated(`${bsa.value.toFixed(2)} m²`, bsa, now, settings.inputMaxAgeDays)} (weight or height not current)`,
    };
  }
  const low = range.low * bsa.value;
  const high = range.high * bsa.value;
  const b = band(dose.value, low, high);
  if (!b) return undefined;
  const text = `${label} = ${num(dose.value / bsa.value)} mg/m² at body surface area ${bsa.value.toFixed(2)} m²: ${rangeText} = ${num(low, 0)}–${num(high, 0)} mg; ${describeBand(b)}`;
  if (b.level === 'below') return { drug, level: 'below', text };
  const fixed = bsaDose(standard, bsa.value);
  return {
    drug,
    level: b.level,
    text,
    fix: { ref: d.ref, dose: { value: fixed.mg, unit: 'mg' }, how: `${drug} ${fixed.mg} mg (${fixed.formula}, ${fixed.rounding})` },
  };
}

export const chemoDoseCheck: Rule = {
  id: 'chemo-dose-check',
  hooks: ['order-sign'],
  priority: 80,
  placeholders: ['drug', 'findings', 'fixNote', 'fixDrugs', 'notChecked'],
  evaluate(picture, ctx) {
    const drafts = picture.draftOrders.filter((d) => d.inScope && d.drug !== undefined && CHECKED.has(d.drug) && d.dose !== undefined);
    if (drafts.length === 0) return null;

    const inputs: Inputs = { facts: [], usedBsa: false, usedGfr: false };
    const findings: Finding[] = [];
    const notChecked: string[] = [];
    for (const d of drafts) {
      const drug = d.drug as string;
      const dose = d.dose as Dose;
      const route = d.route?.toLowerCase();
      if (route !== undefined && route !== 'intravenous') {
        notChecked.push(
          `${d.asRecorded} (${route}): ${drug === 'etoposide' && route === 'oral' ? 'oral etoposide is not dose-checked (oral doses are about twice the IV dose)' : 'only intravenous doses are checked'}`,
        );
        continue;
      }
      if (route === undefined && drug === 'etoposide') {
        findings.push({
          drug,
          level: 'unchecked',
          text: `etoposide ${dose.value} ${unitText(dose.unit)}: not checked — the route is not stated (only intravenous etoposide is checked; oral doses are about twice the IV dose)`,
        });
        continue;
      }
      const range = BSA_RANGES[drug];
      const finding =
        drug === 'carboplatin'
          ? checkCarboplatin(d, dose, picture, ctx.settings, ctx.now, inputs)
          : range
            ? checkBsaDrug(d, drug, range, dose, picture, ctx.settings, ctx.now, inputs)
            : undefined;
      if (finding) findings.push(finding);
    }
    if (findings.length === 0) return null;

    const worst = findings.reduce((a, b) => (RANK[b.level] < RANK[a.level] ? b : a)).level;
    const fixes = findings.flatMap((f) => (f.fix ? [f.fix] : []));
    const findingDrugs = new Set(findings.map((f) => f.drug));

    const facts: CitedFact[] = drafts
      .filter((d) => findingDrugs.has(d.drug as string))
      .map((d) => ({
        label: `${d.drug} being ordered`,
        value: `${d.asRecorded}: ${d.dose?.value} ${unitText(d.dose?.unit ?? '')}${d.route ? `, ${d.route}` : ''}`,
        sources: [d.ref],
      }));
    const { bsa } = picture;
    if (inputs.usedBsa && isKnown(bsa))
      facts.push({
        label: 'Body surface area',
        value: `${bsa.value.toFixed(2)} m² (${bsa.formula})`,
        ...(bsa.date ? { date: bsa.date } : {}),
        sources: bsa.sources,
      });
    const gfr = picture.renal.gfrForDosing;
    if (inputs.usedGfr && isKnown(gfr))
      facts.push({
        label: `GFR for dosing (${gfr.method})`,
        value: `${num(gfr.value, 0)} mL/min: ${gfr.formula}`,
        ...(gfr.date ? { date: gfr.date } : {}),
        sources: gfr.sources,
      });

    const actions: ProposedAction[] = fixes.map((f) => ({
      kind: 'set-draft-dose' as const,
      ref: f.ref,
      dose: f.dose,
      reason: `dose above the usual range: set to ${f.how}`,
    }));
    const fixNote =
      fixes.length > 0
        ? `The suggestion sets ${joinNames(fixes.map((f) => f.how))}. These are the standard doses this service proposes (the platinum–etoposide defaults: carboplatin AUC ${ctx.settings.carboplatinAuc}, cisplatin ${ctx.settings.cisplatinMgM2} mg/m², etoposide ${ctx.settings.etoposideMgM2} mg/m² per day, configurable; docetaxel 75 mg/m² and cabazitaxel 25 mg/m² as in the seed's regimens with carboplatin — the cabazitaxel label's usual starting dose is 20 mg/m²), not the middle of the range. Verify before signing.`
        : 'No dose change is proposed: a dose below the usual range is often an intended reduction (age, performance status, earlier toxicity, weekly low-dose carboplatin AUC 1.5–2 with radiotherapy), and a dose that could not be checked needs its missing input first.';

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: worst === 'critical' ? 'critical' : worst === 'warning' ? 'warning' : 'info',
      variant: worst,
      values: {
        drug: joinNames(findings.filter((f) => f.level === worst).map((f) => f.drug)),
        findings: findings.map((f) => `- ${f.text}.`).join('\n'),
        fixNote,
        fixDrugs: joinNames(findings.filter((f) => f.fix).map((f) => f.drug)),
        notChecked: notChecked.length > 0 ? `Not checked: ${notChecked.join('; ')}.` : '',
      },
      facts,
      suggestions: actions.length > 0 ? [{ labelKey: 'setDose', isRecommended: true, actions }] : [],
    };
    return rec;
  },
};
