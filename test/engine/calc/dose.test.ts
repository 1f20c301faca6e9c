import { describe, expect, it } from 'vitest';
import { bsaDose, calvertDose, compareToRange, roundTo } from '../../../src/engine/calc/dose.js';

describe('calvertDose', () => {
  it('AUC 5 × (65 + 25) = 450 mg', () => {
    expect(calvertDose(5, 65)).toMatchObject({ mg: 450, exactMg: 450, formula: 'AUC 5 × (GFR 65 + 25) = 450 mg' });
  });
  it('GFR capped at 125 mL/min: at most 150 × AUC', () => {
    expect(calvertDose(5, 125).mg).toBe(750);
    expect(calvertDose(5, 126)).toMatchObject({ mg: 750, formula: expect.stringContaining('capped at 125') });
    expect(calvertDose(6, 200).exactMg).toBe(900);
  });
  it('rounds to the nearest 10 mg and says so', () => {
    expect(calvertDose(5, 65.3)).toMatchObject({ mg: 450, exactMg: expect.closeTo(451.5, 5), rounding: 'rounded to the nearest 10 mg' });
  });
});

describe('bsaDose', () => {
  it('75 mg/m² × 1.96 m² = 147 mg → 145 mg', () => {
    expect(bsaDose(75, 1.96)).toMatchObject({ mg: 145, exactMg: expect.closeTo(147, 5), formula: '75 mg/m² × 1.96 m² = 147 mg' });
  });
});

describe('roundTo and compareToRange', () => {
  it.each([
    [447, 10, 450],
    [444, 10, 440],
    [147, 5, 145],
    [148, 5, 150],
  ])('roundTo(%s, %s) = %s', (v, step, out) => {
    expect(roundTo(v, step)).toBe(out);
  });
  it.each([
    [100, 120, 150, 'below', 0],
    [120, 120, 150, 'within', 0],
    [150, 120, 150, 'within', 0],
    [165, 120, 150, 'above', 0.1],
  ])('%s mg against %s–%s → %s', (dose, low, high, position, overBy) => {
    const result = compareToRange(dose, low, high);
    expect(result.position).toBe(position);
    expect(result.overBy).toBeCloseTo(overBy, 10);
  });
});
