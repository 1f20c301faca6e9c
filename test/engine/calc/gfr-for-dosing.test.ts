import { describe, expect, it } from 'vitest';
import { idealBodyWeight } from '../../../src/engine/calc/cockcroft-gault.js';
import { creatinineClearance, gfrForDosing, SEX_NOT_BINARY_REASON } from '../../../src/engine/calc/gfr-for-dosing.js';

const OPTIONS = { adjustedWeightAbovePercentIdeal: 120 };
const MAN = { ageYears: 74, sex: 'male' as const, weightKg: 78.4, heightCm: 175, creatinineMgDl: 1.1 };

describe('creatinineClearance', () => {
  it('uses actual body weight and prints the formula with its values', () => {
    const crcl = creatinineClearance(MAN, OPTIONS);
    expect(crcl).toMatchObject({ weightBasis: 'actual', weightKg: 78.4 });
    expect('value' in crcl && crcl.value).toBeCloseTo(65.333, 3);
    expect('formula' in crcl && crcl.formula).toBe('(140 − 74 y) × 78.4 kg / (72 × 1.10 mg/dL) = 65 mL/min (actual body weight)');
  });

  it('prints the female factor', () => {
    const crcl = creatinineClearance({ ...MAN, sex: 'female' }, OPTIONS);
    expect('formula' in crcl && crcl.formula).toBe('(140 − 74 y) × 78.4 kg / (72 × 1.10 mg/dL) × 0.85 = 56 mL/min (actual body weight)');
  });

  describe('weight basis switches above the configured percentage of ideal body weight', () => {
    const ideal = idealBodyWeight(175, 'male');
    const threshold = ideal * 1.2;

    it('exactly at 120 % of ideal: actual weight', () => {
      const crcl = creatinineClearance({ ...MAN, weightKg: threshold }, OPTIONS);
      expect(crcl).toMatchObject({ weightBasis: 'actual', weightKg: threshold, idealWeightKg: ideal });
    });

    it('just above 120 % of ideal: adjusted weight', () => {
      const actual = threshold + 0.01;
      const crcl = creatinineClearance({ ...MAN, weightKg: actual }, OPTIONS);
      const adjusted = ideal + 0.4 * (actual - ideal);
      expect(crcl).toMatchObject({ weightBasis: 'adjusted', idealWeightKg: ideal });
      expect('weightKg' in crcl && crcl.weightKg).toBeCloseTo(adjusted, 10);
      expect('value' in crcl && crcl.value).toBeCloseTo((66 * adjusted) / (72 * 1.1), 10);
      expect('formula' in crcl && crcl.formula).toContain('adjusted body weight: ideal 70.5 kg + 0.4 × (84.6 kg − 70.5 kg), as actual is over 120 % of ideal');
    });

    it('the threshold is configurable', () => {
      expect(creatinineClearance({ ...MAN, weightKg: ideal * 1.1 }, { adjustedWeightAbovePercentIdeal: 105 })).toMatchObject({ weightBasis: 'adjusted' });
      expect(creatinineClearance({ ...MAN, weightKg: ideal * 1.1 }, OPTIONS)).toMatchObject({ weightBasis: 'actual' });
    });
  });

  it('without a height uses actual weight and says why', () => {
    const { heightCm: _, ...noHeight } = MAN;
    const crcl = creatinineClearance({ ...noHeight, weightKg: 150 }, OPTIONS);
    expect(crcl).toMatchObject({ weightBasis: 'actual', weightKg: 150 });
    expect('formula' in crcl && crcl.formula).toContain('no height, so ideal body weight not computed');
  });

  it('sex other/unknown: no clearance; the reason shows the values as male and as female', () => {
    for (const sex of ['other', 'unknown'] as const) {
      const crcl = creatinineClearance({ ...MAN, sex }, OPTIONS);
      expect(crcl).toEqual({ missing: true, reason: `${SEX_NOT_BINARY_REASON} (Cockcroft–Gault would be 65 mL/min as male, 56 mL/min as female)` });
    }
  });

  it('names the absent inputs', () => {
    expect(creatinineClearance({ sex: 'male', weightKg: 70 }, OPTIONS)).toEqual({
      missing: true,
      reason: 'Cockcroft–Gault not computed: no age, no serum creatinine',
    });
  });
});

describe('gfrForDosing, in rules.md §1 order', () => {
  it('measured GFR first, whatever else is known', () => {
    expect(gfrForDosing({ ...MAN, measuredGfrMlMin: 55, egfrIndexed: 80, bsaM2: 1.9 }, OPTIONS)).toEqual({
      value: 55,
      method: 'measured-gfr',
      formula: 'measured GFR 55 mL/min',
    });
  });

  it('then Cockcroft–Gault', () => {
    const gfr = gfrForDosing({ ...MAN, egfrIndexed: 80, bsaM2: 1.9 }, OPTIONS);
    expect(gfr).toMatchObject({ method: 'cockcroft-gault', crcl: { weightBasis: 'actual' } });
    expect('value' in gfr && gfr.value).toBeCloseTo(65.333, 3);
  });

  it('then eGFR de-indexed to the body surface area (eGFR × BSA / 1.73)', () => {
    const { creatinineMgDl: _, ...noCreatinine } = MAN;
    const gfr = gfrForDosing({ ...noCreatinine, egfrIndexed: 60, bsaM2: 1.9 }, OPTIONS);
    expect(gfr).toMatchObject({ method: 'egfr-deindexed', formula: '60 mL/min/1.73 m² × 1.90 m² / 1.73 = 66 mL/min (eGFR de-indexed to body surface area)' });
    expect('value' in gfr && gfr.value).toBeCloseTo((60 * 1.9) / 1.73, 10);
  });

  it('a small patient gets less than the indexed eGFR', () => {
    const gfr = gfrForDosing({ sex: 'female', egfrIndexed: 60, bsaM2: 1.4 }, OPTIONS);
    expect('value' in gfr && gfr.value).toBeCloseTo(48.555, 3);
  });

  it('sex other, unknown or not given: nothing computed, not even from the eGFR', () => {
    expect(gfrForDosing({ ...MAN, sex: 'other', egfrIndexed: 60, bsaM2: 1.9 }, OPTIONS)).toMatchObject({
      missing: true,
      reason: expect.stringMatching(/^sex not male\/female: no dose computed \(Cockcroft–Gault would be 65 mL\/min as male/),
    });
    const { sex: _, ...noSex } = MAN;
    expect(gfrForDosing({ ...noSex, egfrIndexed: 60, bsaM2: 1.9 }, OPTIONS)).toEqual({
      missing: true,
      reason: `${SEX_NOT_BINARY_REASON}; Cockcroft–Gault not computed: no sex`,
    });
  });

  it('a measured GFR is used even when the sex is unknown', () => {
    expect(gfrForDosing({ sex: 'unknown', measuredGfrMlMin: 70 }, OPTIONS)).toMatchObject({ value: 70, method: 'measured-gfr' });
  });

  it('nothing to go on: says what is missing on each path', () => {
    expect(gfrForDosing({ sex: 'male', ageYears: 70, weightKg: 70 }, OPTIONS)).toEqual({
      missing: true,
      reason: 'no GFR for dosing: Cockcroft–Gault not computed: no serum creatinine; eGFR not de-indexed: no eGFR, no body surface area',
    });
  });
});
