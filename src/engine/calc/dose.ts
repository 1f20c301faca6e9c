/**
 * Chemotherapy dose maths (pure): Calvert for carboplatin, mg/m² by body surface area, and the rounding the card
 * states. A dose is never computed here from a missing input: the callers check their facts first.
 */

/** Calvert caps the GFR at 125 mL/min (carboplatin labelling), so a dose is at most 150 × AUC mg. */
const CALVERT_GFR_CAP = 125;

export interface ComputedDose {
  /** mg, rounded as `rounding` says. */
  mg: number;
  /** The unrounded value, for range checks. */
  exactMg: number;
  /** "AUC 5 × (65 + 25) = 450 mg" with the cap said when it applied. */
  formula: string;
  rounding: string;
}

/** Rounds to the nearest step (10 mg for carboplatin, 5 mg for mg/m² doses). */
export function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

/**
 * Carboplatin dose = AUC × (GFR + 25), GFR capped at 125 mL/min (Calvert formula, carboplatin labelling).
 * @param auc - target AUC (mg/mL·min)
 * @param gfr - GFR for dosing, mL/min
 */
export function calvertDose(auc: number, gfr: number): ComputedDose {
  const capped = Math.min(gfr, CALVERT_GFR_CAP);
  const exactMg = auc * (capped + 25);
  const cap = gfr > CALVERT_GFR_CAP ? ` (GFR ${fmt(gfr)} mL/min capped at ${CALVERT_GFR_CAP})` : '';
  return {
    mg: roundTo(exactMg, 10),
    exactMg,
    formula: `AUC ${auc} × (GFR ${fmt(capped)} + 25)${cap} = ${fmt(exactMg)} mg`,
    rounding: 'rounded to the nearest 10 mg',
  };
}

/**
 * A dose by body surface area.
 * @param mgPerM2 - dose per m²
 * @param bsa - body surface area, m²
 */
export function bsaDose(mgPerM2: number, bsa: number): ComputedDose {
  const exactMg = mgPerM2 * bsa;
  return { mg: roundTo(exactMg, 5), exactMg, formula: `${mgPerM2} mg/m² × ${fmt(bsa, 2)} m² = ${fmt(exactMg)} mg`, rounding: 'rounded to the nearest 5 mg' };
}

/** How an ordered dose sits against a range: within, below, or above by what fraction of the upper bound. */
export function compareToRange(orderedMg: number, lowMg: number, highMg: number): { position: 'within' | 'below' | 'above'; overBy: number } {
  if (orderedMg < lowMg) return { position: 'below', overBy: 0 };
  if (orderedMg <= highMg) return { position: 'within', overBy: 0 };
  return { position: 'above', overBy: orderedMg / highMg - 1 };
}
