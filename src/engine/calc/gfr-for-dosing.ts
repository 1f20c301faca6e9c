import type { Missing } from '../picture.js';
import { adjustedBodyWeight, cockcroftGault, type FormulaSex, idealBodyWeight } from './cockcroft-gault.js';

/** What the GFR for dosing can be computed from; any input may be absent. */
export interface GfrForDosingInput {
  /** Measured GFR (e.g. a nuclear-medicine clearance), mL/min: used first when given. */
  measuredGfrMlMin?: number;
  ageYears?: number;
  sex?: FormulaSex | 'other' | 'unknown';
  weightKg?: number;
  /** Needed to tell whether actual weight exceeds the threshold over ideal; without it actual weight is used. */
  heightCm?: number;
  creatinineMgDl?: number;
  /** eGFR as the lab reports it, mL/min/1.73 m². */
  egfrIndexed?: number;
  /** Body surface area, m², to de-index the eGFR. */
  bsaM2?: number;
}

export interface GfrForDosingOptions {
  /** Adjusted body weight is used when actual weight exceeds this percentage of ideal (rules.md §1: 120). */
  adjustedWeightAbovePercentIdeal: number;
}

type WeightBasis = 'actual' | 'adjusted';

/** A Cockcroft–Gault clearance with the weight it used and the formula as the card prints it. */
export interface CreatinineClearance {
  /** mL/min */
  value: number;
  weightBasis: WeightBasis;
  /** The weight put into the formula, kg. */
  weightKg: number;
  /** Devine ideal body weight, kg, when the height was known. */
  idealWeightKg?: number;
  formula: string;
}

type GfrMethod = 'measured-gfr' | 'cockcroft-gault' | 'egfr-deindexed';

/** The GFR for dosing and how it was reached. */
export interface GfrForDosing {
  /** mL/min */
  value: number;
  method: GfrMethod;
  formula: string;
  /** Set when the method is Cockcroft–Gault. */
  crcl?: CreatinineClearance;
}

/** Missing reason when the sex is neither male nor female (rules.md §1). */
export const SEX_NOT_BINARY_REASON = 'sex not male/female: no dose computed';

const kg = (n: number) => `${n.toFixed(1)} kg`;

function missing(reason: string): Missing {
  return { missing: true, reason };
}

function isMissing<T extends object>(value: T | Missing): value is Missing {
  return 'missing' in value;
}

interface ClearanceInputs {
  ageYears: number;
  weightKg: number;
  creatinineMgDl: number;
  heightCm?: number;
}

function clearanceFor(input: ClearanceInputs, sex: FormulaSex, options: GfrForDosingOptions): CreatinineClearance {
  const { ageYears, weightKg: actual, creatinineMgDl, heightCm } = input;
  const ideal = heightCm !== undefined ? idealBodyWeight(heightCm, sex) : undefined;
  const useAdjusted = ideal !== undefined && actual > (ideal * options.adjustedWeightAbovePercentIdeal) / 100;
  const weightKg = useAdjusted ? adjustedBodyWeight(ideal, actual) : actual;
  const value = cockcroftGault({ ageYears, weightKg, creatinineMgDl, sex });
  const basis = useAdjusted
    ? `adjusted body weight: ideal ${kg(ideal)} + 0.4 × (${kg(actual)} − ${kg(ideal)}), as actual is over ${options.adjustedWeightAbovePercentIdeal} % of ideal`
    : ideal === undefined
      ? 'actual body weight; no height, so ideal body weight not computed'
      : 'actual body weight';
  const female = sex === 'female' ? ' × 0.85' : '';
  const formula = `(140 − ${Math.round(ageYears)} y) × ${kg(weightKg)} / (72 × ${creatinineMgDl.toFixed(2)} mg/dL)${female} = ${Math.round(value)} mL/min (${basis})`;
  return { value, weightBasis: useAdjusted ? 'adjusted' : 'actual', weightKg, ...(ideal !== undefined ? { idealWeightKg: ideal } : {}), formula };
}

/**
 * Cockcroft–Gault creatinine clearance with the weight basis of rules.md §1: actual body weight, or adjusted body
 * weight when actual exceeds the configured percentage of the Devine ideal. Sex other than male/female: no
 * clearance (Missing; the reason shows the values as male and as female when they can be computed).
 */
export function creatinineClearance(input: GfrForDosingInput, options: GfrForDosingOptions): CreatinineClearance | Missing {
  const { ageYears, sex, weightKg, creatinineMgDl, heightCm } = input;
  if (ageYears === undefined || sex === undefined || weightKg === undefined || creatinineMgDl === undefined) {
    const absent = [
      ageYears === undefined && 'age',
      sex === undefined && 'sex',
      weightKg === undefined && 'weight',
      creatinineMgDl === undefined && 'serum creatinine',
    ].filter(Boolean);
    return missing(`Cockcroft–Gault not computed: no ${absent.join(', no ')}`);
  }
  if (creatinineMgDl <= 0) return missing(`Cockcroft–Gault not computed: creatinine ${creatinineMgDl} mg/dL is not a usable value`);
  const inputs: ClearanceInputs = { ageYears, weightKg, creatinineMgDl, ...(heightCm !== undefined ? { heightCm } : {}) };
  if (sex !== 'male' && sex !== 'female') {
    const asMale = clearanceFor(inputs, 'male', options).value;
    const asFemale = clearanceFor(inputs, 'female', options).value;
    return missing(`${SEX_NOT_BINARY_REASON} (Cockcroft–Gault would be ${Math.round(asMale)} mL/min as male, ${Math.round(asFemale)} mL/min as female)`);
  }
  return clearanceFor(inputs, sex, options);
}

/**
 * GFR for dosing, in mL/min, in the order of rules.md §1: measured GFR; else Cockcroft–Gault creatinine clearance;
 * else the reported eGFR de-indexed to the patient's body surface area (eGFR × BSA / 1.73). When the sex is other,
 * unknown or not given and no measured GFR is given, no GFR for dosing is computed (not even from the eGFR).
 */
export function gfrForDosing(input: GfrForDosingInput, options: GfrForDosingOptions): GfrForDosing | Missing {
  if (input.measuredGfrMlMin !== undefined) {
    return { value: input.measuredGfrMlMin, method: 'measured-gfr', formula: `measured GFR ${Math.round(input.measuredGfrMlMin)} mL/min` };
  }
  const crcl = creatinineClearance(input, options);
  if (!isMissing(crcl)) return { value: crcl.value, method: 'cockcroft-gault', formula: crcl.formula, crcl };
  if (input.sex !== 'male' && input.sex !== 'female') {
    return crcl.reason.startsWith(SEX_NOT_BINARY_REASON) ? crcl : missing(`${SEX_NOT_BINARY_REASON}; ${crcl.reason}`);
  }
  if (input.egfrIndexed !== undefined && input.bsaM2 !== undefined) {
    const value = (input.egfrIndexed * input.bsaM2) / 1.73;
    const formula = `${Math.round(input.egfrIndexed)} mL/min/1.73 m² × ${input.bsaM2.toFixed(2)} m² / 1.73 = ${Math.round(value)} mL/min (eGFR de-indexed to body surface area)`;
    return { value, method: 'egfr-deindexed', formula };
  }
  const egfrGap = [input.egfrIndexed === undefined ? 'no eGFR' : undefined, input.bsaM2 === undefined ? 'no body surface area' : undefined]
    .filter(Boolean)
    .join(', ');
  return missing(`no GFR for dosing: ${crcl.reason}; eGFR not de-indexed: ${egfrGap}`);
}
