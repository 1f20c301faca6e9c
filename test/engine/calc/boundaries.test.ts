import { describe, expect, it } from 'vitest';
import { idealBodyWeight } from '../../../src/engine/calc/cockcroft-gault.js';
import { bsaDose, calvertDose } from '../../../src/engine/calc/dose.js';
import { creatinineClearance, gfrForDosing } from '../../../src/engine/calc/gfr-for-dosing.js';
import { joinNames } from '../../../src/engine/format.js';
import { describeDated } from '../../../src/engine/staleness.js';

/** Exact boundaries and texts of the dose maths: adjusted weight, unusable creatinine, Calvert cap, staleness. */

const OPTIONS = { adjustedWeightAbovePercentIdeal: 120 };
const MAN = { ageYears: 60, sex: 'male' as const, heightCm: 175, creatinineMgDl: 1.0 };

describe('weight basis at exactly the configured percentage of ideal', () => {
  const ideal = idealBodyWeight(175, 'male');
  it('at 120 % of ideal → actual body weight, ideal reported', () => {
    expect(creatinineClearance({ ...MAN, weightKg: (ideal * 120) / 100 }, OPTIONS)).toMatchObject({ weightBasis: 'actual', idealWeightKg: ideal });
  });
  it('just above → adjusted body weight', () => {
    expect(creatinineClearance({ ...MAN, weightKg: (ideal * 120) / 100 + 0.1 }, OPTIONS)).toMatchObject({ weightBasis: 'adjusted' });
  });
  it('no height → no ideal weight reported', () => {
    expect(creatinineClearance({ ...MAN, heightCm: undefined, weightKg: 200 }, OPTIONS)).not.toHaveProperty('idealWeightKg');
  });
});

describe('inputs Cockcroft–Gault cannot use', () => {
  it.each([
    [{ weightKg: 80, creatinineMgDl: 0 }, 'Cockcroft–Gault not computed: creatinine 0 mg/dL is not a usable value'],
    [{ weightKg: 80, creatinineMgDl: -1 }, 'Cockcroft–Gault not computed: creatinine -1 mg/dL is not a usable value'],
    [{ weightKg: undefined, ageYears: undefined }, 'Cockcroft–Gault not computed: no age, no weight'],
    [{ weightKg: 80, sex: undefined, creatinineMgDl: undefined }, 'Cockcroft–Gault not computed: no sex, no serum creatinine'],
  ])('%o → %s', (input, reason) => {
    expect(creatinineClearance({ ...MAN, ...input }, OPTIONS)).toEqual({ missing: true, reason });
  });

  it('a tiny positive creatinine is used', () => {
    expect(creatinineClearance({ ...MAN, weightKg: 80, creatinineMgDl: 0.01 }, OPTIONS)).toHaveProperty('value');
  });

  it.each([
    [{}, 'no eGFR, no body surface area'],
    [{ egfrIndexed: 60 }, 'no body surface area'],
    [{ bsaM2: 1.9 }, 'no eGFR'],
  ])('no GFR for dosing and %o → says %s', (extra, gap) => {
    expect(gfrForDosing({ ...MAN, creatinineMgDl: undefined, weightKg: 80, ...extra }, OPTIONS)).toEqual({
      missing: true,
      reason: `no GFR for dosing: Cockcroft–Gault not computed: no serum creatinine; eGFR not de-indexed: ${gap}`,
    });
  });
});

describe('dose texts at their boundaries', () => {
  it('GFR exactly 125 mL/min is not said to be capped; 126 is', () => {
    expect(calvertDose(5, 125).formula).toBe('AUC 5 × (GFR 125 + 25) = 750 mg');
    expect(calvertDose(5, 126).formula).toBe('AUC 5 × (GFR 125 + 25) (GFR 126 mL/min capped at 125) = 750 mg');
  });

  it('a dose by body surface area says how it was rounded', () => {
    expect(bsaDose(75, 1.93)).toEqual({ mg: 145, exactMg: 144.75, formula: '75 mg/m² × 1.93 m² = 145 mg', rounding: 'rounded to the nearest 5 mg' });
  });

  it('a value exactly maxDays old is not called old; its date is printed as a day', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(describeDated('1.1 mg/dL', { date: '2026-11-16T08:00:00Z' }, now, 7)).toBe('1.1 mg/dL on 2026-11-16');
    expect(describeDated('1.1 mg/dL', { date: '2026-11-15T08:00:00Z' }, now, 7)).toBe('1.1 mg/dL on 2026-11-15 (older than 7 days)');
  });

  it('joinNames of nothing is empty; duplicates are named once', () => {
    expect(joinNames([])).toBe('');
    expect(joinNames(['a', 'a'])).toBe('a');
  });
});
