import { describe, expect, it } from 'vitest';
import { mostellerBsa, mostellerFormula } from '../../../src/engine/calc/bsa.js';

describe('mostellerBsa', () => {
  it.each([
    [78.4, 175, 1.9522],
    [70, 170, 1.8181],
    [60, 150, 1.5811],
    [100, 190, 2.2973],
  ])('%s kg, %s cm → %s m²', (weight, height, bsa) => {
    expect(mostellerBsa(weight, height)).toBeCloseTo(bsa, 4);
  });

  it('prints the calculation with its values', () => {
    expect(mostellerFormula(78.4, 175)).toBe('√(78.4 kg × 175.0 cm / 3600) = 1.95 m²');
  });
});
