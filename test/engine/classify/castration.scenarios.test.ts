import { describe, expect, it } from 'vitest';
import { classifyCastration, pcwg3PsaProgression, type CastrationInput } from '../../../src/engine/classify/castration.js';
import type { LabFact } from '../../../src/engine/picture.js';
import { NONE, therapy } from '../builders.js';

/** Near misses of castration resistance: the ADT start, the running nadir, confirmation order; whole results. */

const psa = (date: string, value: number, overrides: Partial<LabFact> = {}): LabFact => ({
  value,
  unit: 'ng/mL',
  date,
  sources: [`Observation/psa-${date}`],
  ...overrides,
});
const since = Date.parse('2025-01-01');
const adt = (date = '2025-01-01') => therapy('leuprolide', { date, sources: [`MedicationRequest/leuprolide-${date}`] });
const classify = (input: Partial<CastrationInput>) => classifyCastration({ psa: [], testosterone: NONE, adt: [adt()], ...input });

describe('pcwg3PsaProgression: the series it reads', () => {
  it('a value on the day androgen deprivation began counts as the nadir', () => {
    expect(pcwg3PsaProgression([psa('2025-01-01', 1), psa('2025-04-01', 4), psa('2025-05-01', 4)], since)?.nadir.date).toBe('2025-01-01');
  });

  it('a lower value the day before does not (nadir 1, not 0.1: 2.5 is no rise)', () => {
    expect(pcwg3PsaProgression([psa('2024-12-31', 0.1), psa('2025-02-01', 1), psa('2025-04-01', 2.5), psa('2025-05-01', 2.5)], since)).toBeUndefined();
  });

  it('a "<" bound is not a value: it cannot be the nadir', () => {
    expect(
      pcwg3PsaProgression([psa('2025-02-01', 0.1, { comparator: '<' }), psa('2025-03-01', 1), psa('2025-04-01', 2.5), psa('2025-05-01', 2.5)], since),
    ).toBeUndefined();
  });

  it('values in any order are read by date', () => {
    expect(pcwg3PsaProgression([psa('2025-05-01', 4), psa('2025-04-01', 4), psa('2025-02-01', 1)], since)).toMatchObject({
      nadir: { date: '2025-02-01' },
      rise: { date: '2025-04-01' },
      confirm: { date: '2025-05-01' },
    });
  });

  it('an equal later value does not move the nadir', () => {
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-03-01', 1), psa('2025-05-01', 4), psa('2025-06-01', 4)], since)?.nadir.date).toBe('2025-02-01');
  });

  it('the rise is the first value over the threshold, not an earlier smaller one', () => {
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-03-01', 2), psa('2025-04-01', 4), psa('2025-05-01', 4)], since)).toMatchObject({
      rise: { value: 4, date: '2025-04-01' },
      confirm: { value: 4, date: '2025-05-01' },
    });
  });

  it('only a later value confirms (an earlier high value does not)', () => {
    expect(pcwg3PsaProgression([psa('2025-02-01', 5), psa('2025-03-01', 1), psa('2025-06-01', 4)], since)).toBeUndefined();
  });
});

describe('classifyCastration: whole results', () => {
  const progression = [psa('2025-02-01', 1), psa('2025-04-01', 4), psa('2025-05-01', 4.5)];
  const scenarios: [string, Partial<CastrationInput>][] = [
    ['no ADT, no orchiectomy', { adt: [] }],
    ['ADT without a start date', { adt: [therapy('leuprolide', { date: undefined })] }],
    ['testosterone 50 ng/dL', { testosterone: { value: 50, unit: 'ng/dL', date: '2025-06-01', sources: ['Observation/t'] }, psa: progression }],
    ['undated testosterone 80 ng/dL', { testosterone: { value: 80, unit: 'ng/dL', sources: ['Observation/t'] }, psa: progression }],
    ['PCWG3 progression', { psa: progression }],
    [
      'PCWG3 progression after an orchiectomy, no ADT',
      {
        adt: [],
        orchiectomy: { value: '2025-01-15', date: '2025-01-15', sources: ['Procedure/orchiectomy'] },
        psa: [psa('2025-02-01', 1), psa('2025-04-01', 4), psa('2025-05-01', 4.5)],
      },
    ],
    [
      'radiographic progression on the day ADT began',
      { progression: { value: 'progressing', date: '2025-01-01', sources: ['Observation/status'] }, psa: [psa('2025-02-01', 3)] },
    ],
    [
      'radiographic progression before ADT',
      { progression: { value: 'progressing', date: '2024-12-31', sources: ['Observation/status'] }, psa: [psa('2025-02-01', 3), psa('2025-03-01', 2)] },
    ],
    ['two PSA values on ADT, the first on its start day, falling', { psa: [psa('2024-12-31', 9), psa('2025-01-01', 3), psa('2025-03-01', 2)] }],
    ['one PSA value on ADT, one before', { psa: [psa('2024-12-31', 9), psa('2025-03-01', 2)] }],
  ];
  it.each(scenarios)('%s', (_name, input) => {
    expect(classify(input)).toMatchSnapshot();
  });

  it('castration begins with the earliest ADT: a rise between two courses counts', () => {
    const psaSeries = [psa('2024-02-01', 1), psa('2024-04-01', 4), psa('2024-05-01', 4.5)];
    expect(classify({ adt: [adt('2025-06-01'), adt('2024-01-01')], psa: psaSeries })).toMatchObject({ value: true });
  });
});
