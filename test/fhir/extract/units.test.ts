import { describe, expect, it } from 'vitest';
import { canonicalUnit, conversionFactor, convertQuantity, normaliseUnit } from '../../../src/fhir/extract/units.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const UCUM = 'http://unitsofmeasure.org';

/** [concept, unit as written, value, expected value in the canonical unit] */
const CONVERSIONS: [string, string, number, number][] = [
  ['psa', 'ng/mL', 4.2, 4.2],
  ['psa', 'ug/L', 4.2, 4.2],
  ['psa', 'µg/L', 4.2, 4.2],
  ['psa', 'μg/L', 4.2, 4.2],
  ['creatinine-serum', 'mg/dL', 1.1, 1.1],
  ['creatinine-serum', 'umol/L', 88.4, 1],
  ['creatinine-serum', 'µmol/L', 122, 1.3801],
  ['creatinine-serum', 'mmol/L', 0.0884, 1],
  ['bilirubin-total', 'umol/L', 17.1, 1],
  ['bilirubin-total', 'µmol/L', 34.2, 2],
  ['body-weight', 'kg', 78.4, 78.4],
  ['body-weight', '[lb_av]', 150, 68.0388555],
  ['body-weight', 'lb', 100, 45.359237],
  ['body-weight', 'lbs', 200, 90.718474],
  ['body-weight', 'g', 3500, 3.5],
  ['body-height', 'cm', 175, 175],
  ['body-height', '[in_i]', 65, 165.1],
  ['body-height', 'in', 70, 177.8],
  ['body-height', 'm', 1.82, 182],
  ['anc', '10*3/uL', 1.2, 1.2],
  ['anc', '10*9/L', 1.2, 1.2],
  ['anc', '10^9/L', 1.2, 1.2],
  ['anc', '/uL', 1200, 1.2],
  ['anc', '/mm3', 1500, 1.5],
  ['anc', 'K/uL', 1.2, 1.2],
  ['platelets', '10*9/L', 150, 150],
  ['platelets', 'x10*9/L', 444, 444],
  ['platelets', 'G/L', 150, 150],
  ['platelets', '/uL', 150000, 150],
  ['wbc', 'K/ul', 31.9, 31.9],
  ['wbc', '10^3/uL', 4.6, 4.6],
  ['hemoglobin', 'g/dL', 13.5, 13.5],
  ['hemoglobin', 'g/dl', 13.5, 13.5],
  ['hemoglobin', 'g/L', 135, 13.5],
  ['hemoglobin', 'mmol/L', 8.4, 13.5324],
  ['ast', 'U/L', 40, 40],
  ['ast', 'IU/L', 40, 40],
  ['alt', '[IU]/L', 35, 35],
  ['alkaline-phosphatase', 'IU/L', 120, 120],
  ['ki67', '%', 25, 25],
  ['ki67', '1', 0.25, 25],
  ['testosterone', 'ng/dL', 35, 35],
  ['testosterone', 'nmol/L', 1.7, 49.028],
  ['testosterone', 'ng/mL', 0.3, 30],
  ['egfr', 'mL/min/{1.73_m2}', 62, 62],
  ['egfr', 'mL/min/1.73m2', 62, 62],
  ['egfr', 'mL/min/1.73 m2', 62, 62],
  ['egfr', 'mL/min', 62, 62],
  ['chromogranin-a', 'ug/L', 180, 180],
  ['nse', 'ng/mL', 12, 12],
];

describe('convertQuantity', () => {
  it.each(CONVERSIONS)('%s: %s', (conceptId, unit, value, expected) => {
    const concept = terminology.concept(conceptId);
    const asUnit = convertQuantity({ value, unit }, concept);
    const asCode = convertQuantity({ value, code: unit, system: UCUM }, concept);
    for (const result of [asUnit, asCode]) {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.value).toBeCloseTo(expected, 3);
        expect(result.unit).toBe(canonicalUnit(concept));
      }
    }
  });

  it('prefers the UCUM code to the unit text', () => {
    const result = convertQuantity({ value: 150, unit: 'pounds (approx)', code: '[lb_av]', system: UCUM }, terminology.concept('body-weight'));
    expect(result).toMatchObject({ ok: true, unit: 'kg' });
  });

  it('reads the unit text when the code is from another system (SNOMED-coded unit)', () => {
    const result = convertQuantity(
      { value: 122, unit: 'umol/L', system: 'http://snomed.info/sct', code: '258814008' },
      terminology.concept('creatinine-serum'),
    );
    expect(result.ok && result.value).toBeCloseTo(1.3801, 4);
  });

  it('does not read a SNOMED code as if it were UCUM', () => {
    // "1" is a UCUM unit; as a SNOMED code it means nothing here.
    const result = convertQuantity({ value: 0.3, system: 'http://snomed.info/sct', code: '1' }, terminology.concept('ki67'));
    expect(result).toEqual({ ok: false, reason: 'no unit given' });
  });

  it('an unknown unit is reported by name, never guessed', () => {
    expect(convertQuantity({ value: 3, unit: 'mmol/mol' }, terminology.concept('creatinine-serum'))).toEqual({
      ok: false,
      reason: 'unknown unit "mmol/mol"',
      asWritten: 'mmol/mol',
    });
  });

  it('a known unit of another dimension is not converted', () => {
    expect(convertQuantity({ value: 3, code: 'mg/dL', system: UCUM }, terminology.concept('anc'))).toEqual({
      ok: false,
      reason: 'unit "mg/dL" cannot be converted to 10*3/uL',
      asWritten: 'mg/dL',
    });
    // "G/L" is giga per litre: not grams per litre of hemoglobin.
    expect(convertQuantity({ value: 135, unit: 'G/L' }, terminology.concept('hemoglobin')).ok).toBe(false);
    // Molar factors belong to one analyte: mmol/L for PSA is not a mass concentration.
    expect(convertQuantity({ value: 3, unit: 'nmol/L' }, terminology.concept('psa')).ok).toBe(false);
    expect(convertQuantity({ value: 3, unit: 'nmol/L' }, terminology.concept('chromogranin-a')).ok).toBe(false);
  });

  it('a missing unit or value is reported', () => {
    expect(convertQuantity({ value: 189 }, terminology.concept('hemoglobin'))).toEqual({ ok: false, reason: 'no unit given' });
    expect(convertQuantity({ unit: 'g/dL' }, terminology.concept('hemoglobin'))).toEqual({ ok: false, reason: 'no numeric value' });
  });

  it('a quantity without a unit takes the fallback unit (reference range limits)', () => {
    const result = convertQuantity({ value: 104 }, terminology.concept('creatinine-serum'), {
      unit: 'umol/L',
      system: 'http://snomed.info/sct',
      code: '258814008',
    });
    expect(result.ok && result.value).toBeCloseTo(1.1765, 4);
  });
});

describe('normaliseUnit', () => {
  it.each([
    ['µmol/L', 'umol/L'],
    ['μmol/L', 'umol/L'],
    ['mcg/L', 'ug/L'],
    ['lbs', '[lb_av]'],
    ['K/uL', '10*3/uL'],
    ['×10^9/L', '10*9/L'],
    ['mL/min/1.73m^2', 'mL/min/{1.73_m2}'],
    ['m^2', 'm2'],
  ])('%s → %s', (text, ucum) => expect(normaliseUnit(text)).toBe(ucum));

  it('an unknown or empty spelling is undefined', () => {
    expect(normaliseUnit('furlong')).toBeUndefined();
    expect(normaliseUnit('')).toBeUndefined();
    expect(normaliseUnit(undefined)).toBeUndefined();
  });
});

describe('the code table agrees with terminology.json', () => {
  const labConcepts = [
    'psa',
    'ki67',
    'creatinine-serum',
    'egfr',
    'anc',
    'platelets',
    'hemoglobin',
    'wbc',
    'ast',
    'alt',
    'bilirubin-total',
    'alkaline-phosphatase',
    'chromogranin-a',
    'nse',
    'testosterone',
    'body-weight',
    'body-height',
  ];
  /** Units the terminology lists but says have no fixed factor. */
  const NO_FIXED_FACTOR = new Set(['chromogranin-a|nmol/L']);

  it.each(labConcepts)('%s: every listed unit converts, with the factor the terminology states', (id) => {
    const concept = terminology.concept(id);
    for (const unit of concept.units ?? []) {
      const ucum = normaliseUnit(unit.unit);
      const factor = ucum ? conversionFactor(ucum, concept) : undefined;
      if (NO_FIXED_FACTOR.has(`${id}|${unit.unit}`)) {
        expect(factor, `${id} ${unit.unit}`).toBeUndefined();
        continue;
      }
      expect(factor, `${id} ${unit.unit}`).toBeDefined();
      if (unit.canonical) expect(factor).toBe(1);
      if (typeof unit.factor === 'number') expect(factor).toBeCloseTo(unit.factor, 10);
      if (typeof unit.factor === 'string') {
        const m = /(multiply|divide) by ([\d.]+)/.exec(unit.factor);
        expect(m, `${id} ${unit.unit}: "${unit.factor}"`).not.toBeNull();
        const stated = m![1] === 'multiply' ? Number(m![2]) : 1 / Number(m![2]);
        expect(Math.abs(factor! - stated) / stated, `${id} ${unit.unit}`).toBeLessThan(0.001);
      }
    }
  });
});
