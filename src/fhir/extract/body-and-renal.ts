import type { PictureOptions } from '../../config.js';
import { mostellerBsa, mostellerFormula } from '../../engine/calc/bsa.js';
import { creatinineClearance, gfrForDosing, SEX_NOT_BINARY_REASON } from '../../engine/calc/gfr-for-dosing.js';
import {
  type DerivedFact,
  type Fact,
  isKnown,
  type Maybe,
  type Missing,
  type PatientPicture,
  type Provenance,
  type RenalFunction,
} from '../../engine/picture.js';

/** The picture facts body size and renal function are derived from. */
export interface BodyAndRenalInput {
  age: PatientPicture['age'];
  sex: PatientPicture['sex'];
  weight: PatientPicture['weight'];
  height: PatientPicture['height'];
  creatinine: RenalFunction['creatinine'];
  egfr: RenalFunction['egfr'];
}

export interface BodyAndRenal {
  bsa: Maybe<number, DerivedFact>;
  renal: RenalFunction;
}

type AnyFact = Fact<unknown> & { comparator?: string };

const missing = (reason: string): Missing => ({ missing: true, reason });

/** Sources of all inputs; date of the oldest measured input (age and sex are not measurements and carry no date). */
function provenanceOf(measured: Provenance[], other: Provenance[] = []): Provenance {
  const sources = [...new Set([...other, ...measured].flatMap((p) => p.sources))];
  const dated = measured.map((p) => p.date).filter((d): d is string => d !== undefined && !Number.isNaN(Date.parse(d)));
  const oldest = dated.reduce<string | undefined>((old, d) => (old === undefined || Date.parse(d) < Date.parse(old) ? d : old), undefined);
  return { sources, ...(oldest !== undefined ? { date: oldest } : {}) };
}

/** Why a formula input is unusable: its Missing reason, or that it is a bound ("< 0.3 mg/dL") rather than a value. */
function problemOf(label: string, value: Maybe<unknown, AnyFact>): string | undefined {
  if (!isKnown(value)) return value.reason;
  if (value.comparator) return `${label} is a bound (${value.comparator} ${String(value.value)}${value.unit ? ` ${value.unit}` : ''}), not a value`;
  return undefined;
}

/**
 * Mosteller BSA, Cockcroft–Gault creatinine clearance and the GFR for dosing (rules.md §1), from the picture's facts
 * through the engine's formulas. A derived fact's date is its oldest measured input's date and its sources the union
 * of its inputs' sources; a Missing names the input that is missing and why.
 * @param options - weight basis threshold for Cockcroft–Gault (percentage of ideal body weight)
 */
export function deriveBodyAndRenal(input: BodyAndRenalInput, options: Pick<PictureOptions, 'adjustedWeightAbovePercentIdeal'>): BodyAndRenal {
  const { age, sex, weight, height, creatinine, egfr } = input;

  const bsaProblems = [problemOf('weight', weight), problemOf('height', height)].filter(Boolean);
  const bsa: Maybe<number, DerivedFact> =
    bsaProblems.length > 0 || !isKnown(weight) || !isKnown(height)
      ? missing(`body surface area not computed: ${bsaProblems.join('; ')}`)
      : {
          value: mostellerBsa(weight.value, height.value),
          unit: 'm2',
          method: 'Mosteller',
          formula: mostellerFormula(weight.value, height.value),
          ...provenanceOf([weight, height]),
        };

  const sexValue = isKnown(sex) ? sex.value : undefined;
  const usable = <T>(label: string, value: Maybe<T, Fact<T> & { comparator?: string }>) =>
    problemOf(label, value) === undefined && isKnown(value) ? value : undefined;
  const ageFact = usable('age', age);
  const weightFact = usable('weight', weight);
  const heightFact = usable('height', height);
  const creatinineFact = usable('serum creatinine', creatinine);
  const egfrFact = usable('eGFR', egfr);
  const calcInput = {
    ...(ageFact ? { ageYears: ageFact.value } : {}),
    ...(sexValue ? { sex: sexValue } : {}),
    ...(weightFact ? { weightKg: weightFact.value } : {}),
    ...(heightFact ? { heightCm: heightFact.value } : {}),
    ...(creatinineFact ? { creatinineMgDl: creatinineFact.value } : {}),
    ...(egfrFact ? { egfrIndexed: egfrFact.value } : {}),
    ...(isKnown(bsa) ? { bsaM2: bsa.value } : {}),
  };

  const crclProblems = [problemOf('age', age), problemOf('sex', sex), problemOf('weight', weight), problemOf('serum creatinine', creatinine)].filter(Boolean);
  const crclInputs = [weightFact, creatinineFact, heightFact].filter((f): f is Fact<number> => f !== undefined);
  const crclOther = [ageFact, isKnown(sex) ? sex : undefined].filter((f): f is Fact<never> => f !== undefined);
  const clearance = crclProblems.length > 0 ? missing(`Cockcroft–Gault not computed: ${crclProblems.join('; ')}`) : creatinineClearance(calcInput, options);
  const crcl: Maybe<number, DerivedFact> =
    'missing' in clearance
      ? clearance
      : { value: clearance.value, unit: 'mL/min', method: 'Cockcroft–Gault', formula: clearance.formula, ...provenanceOf(crclInputs, crclOther) };

  let gfr: Maybe<number, DerivedFact>;
  const result = gfrForDosing(calcInput, options);
  if (!('missing' in result)) {
    const p =
      result.method === 'cockcroft-gault'
        ? provenanceOf(crclInputs, crclOther)
        : provenanceOf([egfrFact, weightFact, heightFact].filter((f): f is Fact<number> => f !== undefined));
    gfr = { value: result.value, unit: 'mL/min', method: result.method, formula: result.formula, ...p };
  } else if (sexValue !== 'male' && sexValue !== 'female') {
    gfr = isKnown(sex) ? result : missing(`${SEX_NOT_BINARY_REASON} (${sex.reason})`);
  } else {
    const egfrProblems = [problemOf('eGFR', egfr), isKnown(bsa) ? undefined : bsa.reason].filter(Boolean);
    gfr = missing(`no GFR for dosing: ${'missing' in crcl ? crcl.reason : ''}; eGFR not de-indexed: ${egfrProblems.join('; ')}`);
  }

  return { bsa, renal: { creatinine, egfr, crcl, gfrForDosing: gfr } };
}
