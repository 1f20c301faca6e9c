import { bsaDose, calvertDose } from '../calc/dose.js';
import { platinumEtoposide } from '../classify/regimens.js';
import { joinNames } from '../format.js';
import { necSite } from './clinical-trial-referral.js';
import type { DerivedFact, Fact, HookContext, Maybe, PatientPicture } from '../picture.js';
import { isKnown } from '../picture.js';
import type { CitedFact, MedicationProposal, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { describeDated, isStale } from '../staleness.js';

/**
 * rules.md §4 `start-platinum-etoposide` (seed 000, 002, 004): a high-grade neuroendocrine carcinoma (including
 * small cell / neuroendocrine prostate cancer) that has not had platinum–etoposide since its diagnosis. Metastatic
 * disease: warning with two draft regimens (carboplatin or cisplatin with etoposide), doses computed from fresh
 * inputs only; ECOG 3: the same as info; ECOG 4: no card; no metastasis on record: info asking for a
 * multidisciplinary plan (the picture does not say whether a tumour is resectable).
 */

/** Cycle length of both regimens: every 21 days (rules.md §4 "q21d"; seed 000 "every 21 days"). */
const CYCLE_LENGTH_DAYS = 21;
/** Galsky cisplatin-ineligibility cut-offs used here (rules.md §4; not from the seeds). */
const CISPLATIN_MIN_GFR_ML_MIN = 60;
const CISPLATIN_MAX_ECOG = 1;
/** ECOG 4: no card (rules.md §4); ECOG 3: info. */
const NO_CARD_ECOG = 4;
const INFO_ECOG = 3;

const round = (n: number) => String(Math.round(n));

/** What stops a dose being computed: each missing or stale input, said with its value and date. */
function doseInputProblems(picture: PatientPicture, ctx: HookContext): string[] {
  const max = ctx.settings.inputMaxAgeDays;
  const problems: string[] = [];
  const staleParts = (parts: [string, Maybe<number>, string][]) =>
    parts
      .filter(([, f]) => isKnown(f) && isStale(f, ctx.now, max))
      .map(([name, f, unit]) => describeDated(`${name} ${(f as Fact<number>).value} ${unit}`, f as Fact<number>, ctx.now, max));
  const check = (name: string, fact: Maybe<number, DerivedFact>, unit: string, parts: [string, Maybe<number>, string][]) => {
    if (!isKnown(fact)) {
      const absent = parts.filter(([, f]) => !isKnown(f)).map(([n, f]) => `${n}: ${(f as { reason: string }).reason}`);
      problems.push(...(absent.length > 0 ? absent : [`${name}: ${fact.reason}`]));
    } else if (isStale(fact, ctx.now, max)) {
      const stale = staleParts(parts);
      problems.push(...(stale.length > 0 ? stale : [describeDated(`${name} ${fact.value.toFixed(unit === 'm²' ? 2 : 0)} ${unit}`, fact, ctx.now, max)]));
    }
  };
  check('body surface area', picture.bsa, 'm²', [
    ['weight', picture.weight, 'kg'],
    ['height', picture.height, 'cm'],
  ]);
  check('GFR for dosing', picture.renal.gfrForDosing, 'mL/min', [
    ['serum creatinine', picture.renal.creatinine, 'mg/dL'],
    ['weight', picture.weight, 'kg'],
  ]);
  return [...new Set(problems)];
}

interface Eligibility {
  /** Reasons to prefer carboplatin (cisplatin-ineligible or elderly). */
  preferCarboplatin: string[];
  /** Criteria the record does not give. */
  unknown: string[];
}

function cisplatinEligibility(picture: PatientPicture, gfr: DerivedFact, ctx: HookContext): Eligibility {
  const preferCarboplatin: string[] = [];
  const unknown: string[] = [];
  if (gfr.value < CISPLATIN_MIN_GFR_ML_MIN) preferCarboplatin.push(`GFR for dosing ${round(gfr.value)} mL/min (below ${CISPLATIN_MIN_GFR_ML_MIN})`);
  if (isKnown(picture.ecog)) {
    if (picture.ecog.value > CISPLATIN_MAX_ECOG) preferCarboplatin.push(`ECOG ${picture.ecog.value}`);
  } else unknown.push('ECOG performance status not recorded');
  if (isKnown(picture.neuropathy)) preferCarboplatin.push(`peripheral neuropathy (${picture.neuropathy.value})`);
  if (isKnown(picture.age)) {
    if (picture.age.value >= ctx.settings.elderlyAge) preferCarboplatin.push(`age ${picture.age.value} (${ctx.settings.elderlyAge} or over)`);
  } else unknown.push('age not recorded');
  return { preferCarboplatin, unknown };
}

function cite(label: string, value: string, fact: { date?: string; sources: string[] }): CitedFact {
  return { label, value, ...(fact.date ? { date: fact.date } : {}), sources: fact.sources };
}

export const startPlatinumEtoposide: Rule = {
  id: 'start-platinum-etoposide',
  hooks: ['patient-view'],
  priority: 80,
  placeholders: [
    'doseSection',
    'eligibility',
    'firstLineNote',
    'nepcNote',
    'auc',
    'carboplatinMg',
    'cisplatinMg',
    'cisplatinMgM2',
    'etoposideMg',
    'etoposideMgM2',
  ],
  evaluate(picture, ctx) {
    if (ctx.hook !== 'patient-view' || picture.nen.nenClass !== 'NEC') return null;
    const ecog = isKnown(picture.ecog) ? picture.ecog : undefined;
    if (ecog && ecog.value >= NO_CARD_ECOG) return null;
    const regimen = platinumEtoposide(picture, ctx.settings.regimenWindowDays, picture.nen.date);
    if (regimen.current.length > 0 || regimen.drafted.length > 0 || regimen.past.length > 0) return null;

    const site = necSite(picture);
    const isNepc = site.kind === 'nepc';
    const lungSmallCell = site.kind === 'lung' && site.smallCell;
    const metastatic = picture.metastases.length > 0;
    const poorPerformance = ecog !== undefined && ecog.value >= INFO_ECOG;

    const facts: CitedFact[] = [
      cite('Neuroendocrine class', `high-grade neuroendocrine carcinoma: ${picture.nen.basis}`, picture.nen),
      ...picture.cancers.map((c) => cite('Cancer', c.display, c)),
      ...picture.metastases.map((m) => cite('Metastasis', m.display, m)),
    ];
    if (ecog) facts.push(cite('ECOG performance status', String(ecog.value), ecog));
    if (isKnown(picture.age)) facts.push(cite('Age', `${picture.age.value} years`, picture.age));
    if (isKnown(picture.neuropathy)) facts.push(cite('Peripheral neuropathy', picture.neuropathy.value, picture.neuropathy));

    const { carboplatinAuc: auc, cisplatinMgM2, etoposideMgM2 } = ctx.settings;
    const values: Record<string, string> = {
      auc: String(auc),
      cisplatinMgM2: String(cisplatinMgM2),
      etoposideMgM2: String(etoposideMgM2),
      firstLineNote: lungSmallCell
        ? metastatic
          ? '**Small cell lung cancer, extensive stage:** first line is platinum–etoposide **with atezolizumab or durvalumab** (NCCN Small Cell Lung Cancer). The proposed orders do not include the immunotherapy: add it.'
          : '**Small cell lung cancer without distant metastasis on record:** limited-stage disease is treated with platinum–etoposide and concurrent thoracic radiotherapy (NCCN Small Cell Lung Cancer).'
        : '',
      nepcNote: isNepc
        ? '**Small cell / neuroendocrine prostate cancer.** Other first-line options (seed 000): docetaxel 75 mg/m² + carboplatin AUC 5–6, or cabazitaxel 25 mg/m² + carboplatin AUC 4–5, every 21 days, with prednisone, premedication and G-CSF support. Consult the NCCN Small Cell Lung Cancer guideline, as the NCCN Prostate Cancer guideline advises.'
        : '',
      eligibility: '',
      doseSection: '',
    };

    const suggestions: SuggestionSpec[] = [];
    if (!metastatic) {
      values.doseSection =
        'No orders are proposed: the record shows no metastasis, so the plan (surgery, chemoradiation or chemotherapy) is for the multidisciplinary team.';
    } else {
      const problems = doseInputProblems(picture, ctx);
      const bsa = picture.bsa;
      const gfr = picture.renal.gfrForDosing;
      if (problems.length > 0 || !isKnown(bsa) || !isKnown(gfr)) {
        values.doseSection = `**No doses computed** — inputs must be recorded within ${ctx.settings.inputMaxAgeDays} days: ${problems.join('; ')}. Record a current weight, height and serum creatinine to get dosed draft orders.`;
        for (const [label, fact] of [
          ['Weight', picture.weight],
          ['Height', picture.height],
          ['Serum creatinine', picture.renal.creatinine],
        ] as const) {
          if (isKnown(fact)) facts.push(cite(label, `${fact.value} ${fact.unit ?? ''}`.trim(), fact));
        }
      } else {
        facts.push(cite('Body surface area', `${bsa.value.toFixed(2)} m² (${bsa.formula})`, bsa));
        facts.push(cite('GFR for dosing', `${round(gfr.value)} mL/min (${gfr.formula})`, gfr));
        const carboplatin = calvertDose(auc, gfr.value);
        const cisplatin = bsaDose(cisplatinMgM2, bsa.value);
        const etoposide = bsaDose(etoposideMgM2, bsa.value);
        values.carboplatinMg = String(carboplatin.mg);
        values.cisplatinMg = String(cisplatin.mg);
        values.etoposideMg = String(etoposide.mg);
        values.doseSection = [
          `**Doses computed** (body surface area ${bsa.value.toFixed(2)} m² and GFR for dosing ${round(gfr.value)} mL/min, inputs from ${bsa.date?.slice(0, 10)} and ${gfr.date?.slice(0, 10)}):`,
          `- Carboplatin ${carboplatin.mg} mg: ${carboplatin.formula}, ${carboplatin.rounding} (Calvert; GFR capped at 125 mL/min)`,
          `- Cisplatin ${cisplatin.mg} mg: ${cisplatin.formula}, ${cisplatin.rounding}`,
          `- Etoposide ${etoposide.mg} mg/day on days 1–3: ${etoposide.formula}, ${etoposide.rounding}`,
        ].join('\n');

        const eligibility = cisplatinEligibility(picture, gfr, ctx);
        const preferCarboplatin = eligibility.preferCarboplatin.length > 0;
        const assessed = eligibility.unknown.length === 0;
        values.eligibility = preferCarboplatin
          ? `Carboplatin is preferred: ${joinNames(eligibility.preferCarboplatin)} (cisplatin-ineligible or elderly).`
          : assessed
            ? 'Cisplatin is marked preferred: no cisplatin-ineligibility criterion in the record and age under the elderly threshold.'
            : `Neither regimen is marked preferred: cisplatin eligibility could not be assessed (${joinNames(eligibility.unknown)}).`;

        const etoposideOrder: MedicationProposal = {
          drug: 'etoposide',
          dose: { value: etoposide.mg, unit: 'mg' },
          route: 'intravenous',
          schedule: `days 1–3 of each ${CYCLE_LENGTH_DAYS}-day cycle`,
          cycle: { days: [1, 2, 3], lengthDays: CYCLE_LENGTH_DAYS },
          note: `Etoposide ${etoposide.formula} per day, ${etoposide.rounding}; body surface area ${bsa.formula} (${bsa.date?.slice(0, 10)}).`,
        };
        const day1 = {
          route: 'intravenous' as const,
          schedule: `day 1 of each ${CYCLE_LENGTH_DAYS}-day cycle`,
          cycle: { days: [1], lengthDays: CYCLE_LENGTH_DAYS },
        };
        suggestions.push(
          {
            labelKey: 'carboplatin',
            isRecommended: preferCarboplatin,
            actions: [
              {
                kind: 'propose-medication',
                order: {
                  drug: 'carboplatin',
                  dose: { value: carboplatin.mg, unit: 'mg' },
                  ...day1,
                  note: `Carboplatin ${carboplatin.formula}, ${carboplatin.rounding}; GFR for dosing: ${gfr.formula} (${gfr.date?.slice(0, 10)}).`,
                },
              },
              { kind: 'propose-medication', order: etoposideOrder },
            ],
          },
          {
            labelKey: 'cisplatin',
            isRecommended: !preferCarboplatin && assessed,
            actions: [
              {
                kind: 'propose-medication',
                order: {
                  drug: 'cisplatin',
                  dose: { value: cisplatin.mg, unit: 'mg' },
                  ...day1,
                  note: `Cisplatin ${cisplatin.formula}, ${cisplatin.rounding}; body surface area ${bsa.formula} (${bsa.date?.slice(0, 10)}). Hydration with magnesium and potassium is not part of this order.`,
                },
              },
              { kind: 'propose-medication', order: etoposideOrder },
            ],
          },
        );
      }
    }

    const variant = !metastatic ? 'localised' : poorPerformance ? 'poor-performance' : lungSmallCell ? 'lung-extensive' : 'metastatic';
    const rec: Recommendation = {
      ruleId: this.id,
      indicator: variant === 'metastatic' || variant === 'lung-extensive' ? 'warning' : 'info',
      variant,
      values,
      facts,
      suggestions,
      ...(suggestions.length > 0 ? { selectionBehavior: 'at-most-one' as const } : {}),
    };
    return rec;
  },
};
