import type { Timing } from 'fhir/r4.js';
import type { DrugClass } from '../../engine/picture.js';
import { windowFromTiming } from './depot.js';
import type { IdentifiedDrug } from './medication.js';

/** Somatostatin analogues whose short-acting form is not an SSA for the rules (rules.md §3). */
export const SHORT_ACTING_POSSIBLE = new Set(['octreotide', 'pasireotide']);

/** Long-acting forms of somatostatin analogues: LAR / depot / suspension, intramuscular, monthly, or ≥ 5 mg a dose. */
const LONG_ACTING_TEXT =
  /\bLAR\b|long[-\s]acting|\bdepot\b|extended[-\s]release|\bsuspension\b|microspheres?\b|\bmonthly\b|\bq\s?4\s?w(?:ee)?ks?\b|\bq\s?28\s?d|\bevery\s+(?:4\s+weeks|28\s+days|month)\b/i;

/**
 * Whether an octreotide / pasireotide product is the long-acting form (an SSA for the rules) rather than the
 * short-acting one given for symptoms (diarrhoea, obstruction, carcinoid crisis). When it cannot be told, it is not
 * counted as an SSA (a warning to stop symptom control would be the worse error).
 */
export function isLongActingSsa(input: { texts: string[]; route?: string; doseMg?: number; timings: Timing[] }): boolean {
  if (input.texts.some((t) => LONG_ACTING_TEXT.test(t))) return true;
  if (input.route === 'intramuscular') return true;
  if (input.doseMg !== undefined && input.doseMg >= 5) return true;
  return windowFromTiming(input.timings) !== undefined;
}

/**
 * The drug classes a therapy carries: the concept's classes, except that short-acting octreotide / pasireotide is
 * not an SSA (rules.md §3).
 */
export function therapyClasses(drug: IdentifiedDrug, input: { texts: string[]; route?: string; doseMg?: number; timings: Timing[] }): DrugClass[] {
  if (!SHORT_ACTING_POSSIBLE.has(drug.concept.id) || isLongActingSsa(input)) return [...drug.classes];
  return drug.classes.filter((c) => c !== 'SSA');
}
