import { describe, expect, it } from 'vitest';
import { adjustedBodyWeight, cockcroftGault, idealBodyWeight } from '../../../src/engine/calc/cockcroft-gault.js';

describe('cockcroftGault', () => {
  it('(140 − age) × weight / (72 × SCr) for a man', () => {
    expect(cockcroftGault({ ageYears: 74, weightKg: 78.4, creatinineMgDl: 1.1, sex: 'male' })).toBeCloseTo(65.333, 3);
    expect(cockcroftGault({ ageYears: 60, weightKg: 72, creatinineMgDl: 1, sex: 'male' })).toBe(80);
  });

  it('× 0.85 for a woman', () => {
    expect(cockcroftGault({ ageYears: 60, weightKg: 72, creatinineMgDl: 1, sex: 'female' })).toBeCloseTo(68, 10);
    expect(cockcroftGault({ ageYears: 74, weightKg: 78.4, creatinineMgDl: 1.1, sex: 'female' })).toBeCloseTo(65.333 * 0.85, 2);
  });

  it('is not capped (the 125 mL/min cap belongs to the Calvert formula)', () => {
    expect(cockcroftGault({ ageYears: 20, weightKg: 80, creatinineMgDl: 0.6, sex: 'male' })).toBeCloseTo(222.22, 2);
  });
});

describe('idealBodyWeight (Devine)', () => {
  it('is 50 kg (male) and 45.5 kg (female) at 60 inches', () => {
    expect(idealBodyWeight(152.4, 'male')).toBeCloseTo(50, 10);
    expect(idealBodyWeight(152.4, 'female')).toBeCloseTo(45.5, 10);
  });

  it('adds 2.3 kg per inch over 60 inches', () => {
    expect(idealBodyWeight(152.4 + 2.54 * 10, 'male')).toBeCloseTo(73, 10);
    expect(idealBodyWeight(175, 'male')).toBeCloseTo(70.465, 3);
    expect(idealBodyWeight(160, 'female')).toBeCloseTo(52.382, 3);
  });
});

describe('adjustedBodyWeight', () => {
  it('is ideal + 0.4 × (actual − ideal)', () => {
    expect(adjustedBodyWeight(70, 100)).toBeCloseTo(82, 10);
    expect(adjustedBodyWeight(60, 60)).toBe(60);
  });
});
