import { readFileSync } from 'node:fs';
import type { Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { SEX_NOT_BINARY_REASON } from '../../../src/engine/calc/gfr-for-dosing.js';
import { isKnown, type LabFact, type Maybe } from '../../../src/engine/picture.js';
import { type BodyAndRenalInput, deriveBodyAndRenal } from '../../../src/fhir/extract/body-and-renal.js';
import { extractObservationFacts } from '../../../src/fhir/extract/observations.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const OPTIONS = { adjustedWeightAbovePercentIdeal: 120 };

const lab = (value: number, unit: string, date: string, source: string, extra: Partial<LabFact> = {}): LabFact => ({
  value,
  unit,
  date,
  sources: [source],
  ...extra,
});
const gone = (reason: string) => ({ missing: true as const, reason });

const BASE: BodyAndRenalInput = {
  age: { value: 74, sources: ['Patient/p'] },
  sex: { value: 'male', sources: ['Patient/p'] },
  weight: { value: 78.4, unit: 'kg', date: '2026-11-18', sources: ['Observation/w'] },
  height: { value: 175, unit: 'cm', date: '2025-02-01', sources: ['Observation/h'] },
  creatinine: lab(1.1, 'mg/dL', '2026-11-20', 'Observation/cr'),
  egfr: lab(62, 'mL/min/{1.73_m2}', '2026-11-20', 'Observation/egfr'),
};

describe('deriveBodyAndRenal', () => {
  it('BSA by Mosteller, dated by its oldest input, from the union of sources', () => {
    const { bsa } = deriveBodyAndRenal(BASE, OPTIONS);
    expect(bsa).toMatchObject({
      unit: 'm2',
      method: 'Mosteller',
      formula: '√(78.4 kg × 175.0 cm / 3600) = 1.95 m²',
      date: '2025-02-01',
      sources: ['Observation/w', 'Observation/h'],
    });
    expect(isKnown(bsa) && bsa.value).toBeCloseTo(1.9522, 4);
  });

  it('Cockcroft–Gault and the GFR for dosing, with formula, sources (incl. the Patient) and oldest measured date', () => {
    const { renal } = deriveBodyAndRenal(BASE, OPTIONS);
    expect(renal.crcl).toMatchObject({
      unit: 'mL/min',
      method: 'Cockcroft–Gault',
      formula: '(140 − 74 y) × 78.4 kg / (72 × 1.10 mg/dL) = 65 mL/min (actual body weight)',
      date: '2025-02-01',
      sources: ['Patient/p', 'Observation/w', 'Observation/cr', 'Observation/h'],
    });
    expect(renal.gfrForDosing).toMatchObject({ method: 'cockcroft-gault', unit: 'mL/min', formula: (renal.crcl as { formula: string }).formula });
    expect(isKnown(renal.gfrForDosing) && renal.gfrForDosing.value).toBeCloseTo(65.333, 3);
  });

  it('passes creatinine and eGFR through unchanged', () => {
    const { renal } = deriveBodyAndRenal(BASE, OPTIONS);
    expect(renal.creatinine).toBe(BASE.creatinine);
    expect(renal.egfr).toBe(BASE.egfr);
  });

  it('the age fact date is not a measurement date', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, age: { value: 74, date: '1952-03-01', sources: ['Patient/p'] } }, OPTIONS);
    expect(renal.crcl).toMatchObject({ date: '2025-02-01' });
  });

  it('adjusted body weight above 120 % of ideal', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, weight: { value: 110, unit: 'kg', date: '2026-11-18', sources: ['Observation/w'] } }, OPTIONS);
    expect(renal.crcl).toMatchObject({ formula: expect.stringContaining('adjusted body weight') });
  });

  it('no weight: BSA, clearance and GFR for dosing are Missing and name the weight', () => {
    const { bsa, renal } = deriveBodyAndRenal({ ...BASE, weight: gone('no body weight recorded') }, OPTIONS);
    expect(bsa).toEqual(gone('body surface area not computed: no body weight recorded'));
    expect(renal.crcl).toEqual(gone('Cockcroft–Gault not computed: no body weight recorded'));
    expect(renal.gfrForDosing).toEqual(
      gone(
        'no GFR for dosing: Cockcroft–Gault not computed: no body weight recorded; eGFR not de-indexed: body surface area not computed: no body weight recorded',
      ),
    );
  });

  it('no creatinine: the eGFR de-indexed to BSA, from eGFR, weight and height', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, creatinine: gone('no serum creatinine recorded') }, OPTIONS);
    expect(renal.crcl).toEqual(gone('Cockcroft–Gault not computed: no serum creatinine recorded'));
    expect(renal.gfrForDosing).toMatchObject({
      method: 'egfr-deindexed',
      unit: 'mL/min',
      date: '2025-02-01',
      sources: ['Observation/egfr', 'Observation/w', 'Observation/h'],
    });
    expect(isKnown(renal.gfrForDosing) && renal.gfrForDosing.value).toBeCloseTo((62 * 1.9522) / 1.73, 2);
  });

  it('sex other or unknown: no clearance, no GFR for dosing, both values in the reason', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, sex: { value: 'unknown', sources: ['Patient/p'] } }, OPTIONS);
    expect(renal.crcl).toEqual(gone(`${SEX_NOT_BINARY_REASON} (Cockcroft–Gault would be 65 mL/min as male, 56 mL/min as female)`));
    expect(renal.gfrForDosing).toEqual(renal.crcl);
  });

  it('sex not recorded: no GFR for dosing, not even from the eGFR', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, sex: gone('no sex recorded') }, OPTIONS);
    expect(renal.crcl).toEqual(gone('Cockcroft–Gault not computed: no sex recorded'));
    expect(renal.gfrForDosing).toEqual(gone(`${SEX_NOT_BINARY_REASON} (no sex recorded)`));
  });

  it('a creatinine that is a bound ("< 0.3") is not put into the formula', () => {
    const { renal } = deriveBodyAndRenal({ ...BASE, creatinine: lab(0.3, 'mg/dL', '2026-11-20', 'Observation/cr', { comparator: '<' }) }, OPTIONS);
    expect(renal.crcl).toEqual(gone('Cockcroft–Gault not computed: serum creatinine is a bound (< 0.3 mg/dL), not a value'));
    expect(renal.gfrForDosing).toMatchObject({ method: 'egfr-deindexed' });
  });

  it('nothing renal at all', () => {
    const none: Maybe<number, LabFact> = gone('no eGFR recorded');
    const { renal } = deriveBodyAndRenal({ ...BASE, creatinine: gone('no serum creatinine recorded'), egfr: none }, OPTIONS);
    expect(renal.gfrForDosing).toEqual(
      gone('no GFR for dosing: Cockcroft–Gault not computed: no serum creatinine recorded; eGFR not de-indexed: no eGFR recorded'),
    );
  });

  it('on a real Synthea patient (Sherman McGlynn): his latest weight, height and creatinine, dated by the oldest', () => {
    const set = new ResourceSet();
    set.add(
      JSON.parse(
        readFileSync(
          new URL('../../../../shared/external-fhir/synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json', import.meta.url),
          'utf8',
        ),
      ) as Resource,
    );
    const facts = extractObservationFacts(set, loadTerminology(), []);
    const { bsa, renal } = deriveBodyAndRenal(
      { age: { value: 60, sources: ['Patient/x'] }, sex: { value: 'male', sources: ['Patient/x'] }, ...facts },
      OPTIONS,
    );
    expect(isKnown(bsa) && Number(bsa.value.toFixed(2))).toBe(2.24);
    // Creatinine of 2003, weight and height of 2011: the clearance is as old as its creatinine.
    expect(renal.crcl).toMatchObject({ method: 'Cockcroft–Gault', date: '2003-04-07T06:01:37+00:00' });
    expect(renal.gfrForDosing).toMatchObject({ method: 'cockcroft-gault' });
  });
});
