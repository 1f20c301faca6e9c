/** The sexes the Cockcroft–Gault and Devine formulas are defined for. */
export type FormulaSex = 'male' | 'female';

export interface CockcroftGaultInput {
  ageYears: number;
  weightKg: number;
  /** Serum creatinine, mg/dL. */
  creatinineMgDl: number;
  sex: FormulaSex;
}

/**
 * Cockcroft–Gault creatinine clearance: (140 − age) × weight / (72 × SCr), × 0.85 if female.
 * @returns mL/min (not normalised to body surface area)
 */
export function cockcroftGault({ ageYears, weightKg, creatinineMgDl, sex }: CockcroftGaultInput): number {
  const clearance = ((140 - ageYears) * weightKg) / (72 * creatinineMgDl);
  return sex === 'female' ? clearance * 0.85 : clearance;
}

const CM_PER_INCH = 2.54;

/**
 * Ideal body weight by Devine: 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch over 60 inches.
 * Below 60 inches the same line is extended downwards (no floor), as the formula is usually applied.
 * @param heightCm - body height, cm
 * @returns kg
 */
export function idealBodyWeight(heightCm: number, sex: FormulaSex): number {
  const base = sex === 'male' ? 50 : 45.5;
  return base + 2.3 * (heightCm / CM_PER_INCH - 60);
}

/**
 * Adjusted body weight: ideal + 0.4 × (actual − ideal).
 * @returns kg
 */
export function adjustedBodyWeight(idealKg: number, actualKg: number): number {
  return idealKg + 0.4 * (actualKg - idealKg);
}
