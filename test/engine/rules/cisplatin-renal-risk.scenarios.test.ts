import { describe, expect, it } from 'vitest';
import { cisplatinRenalRisk } from '../../../src/engine/rules/cisplatin-renal-risk.js';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { ctx, NONE } from '../builders.js';
import { chemo, daysAgo, dosingPicture, fact, gfr, lab } from './dosing-builders.js';

/** Whole recommendations of cisplatin-renal-risk: kidney function levels, stale or missing inputs, elderly, neuropathy. */

const renal = (value: number, overrides: Parameters<typeof gfr>[1] = {}, creatinine = lab(1.0, 'mg/dL', { sources: ['Observation/creatinine'] })) => ({
  creatinine,
  egfr: NONE,
  crcl: gfr(value, overrides),
  gfrForDosing: gfr(value, overrides),
});
const run = (overrides: Partial<PatientPicture>, drafts = [chemo('cisplatin', [75, 'mg/m2'])]) =>
  cisplatinRenalRisk.evaluate(dosingPicture({ draftOrders: drafts, ...overrides }), ctx('order-sign'));

const scenarios: [string, () => ReturnType<typeof run>][] = [
  ['GFR 25 mL/min', () => run({ renal: renal(25) })],
  [
    'GFR 45 mL/min, two cisplatin drafts, one without a dose',
    () =>
      run({ renal: renal(45) }, [
        chemo('cisplatin', [75, 'mg/m2']),
        chemo('cisplatin', undefined, { ref: 'MedicationRequest/draft-cis-2', asRecorded: 'cisplatin day 8' }),
      ]),
  ],
  [
    'GFR 50 mL/min, age 76, neuropathy',
    () => run({ renal: renal(50), age: fact(76, { sources: ['Patient/p1'] }), neuropathy: fact('Peripheral neuropathy', { sources: ['Condition/pn'] }) }),
  ],
  ['GFR 85 mL/min, age 72 (elderly only)', () => run({ age: fact(72, { sources: ['Patient/p1'] }) })],
  [
    'GFR 25 mL/min from 20-day-old values',
    () => run({ renal: renal(25, { date: daysAgo(20) }, lab(2.8, 'mg/dL', { date: daysAgo(20), sources: ['Observation/creatinine'] })) }),
  ],
  [
    'GFR not computable, creatinine missing',
    () =>
      run({
        renal: {
          creatinine: { missing: true, reason: 'not recorded' },
          egfr: NONE,
          crcl: { missing: true, reason: 'no creatinine' },
          gfrForDosing: { missing: true, reason: 'no creatinine' },
        },
      }),
  ],
  [
    'GFR 25 mL/min, weight missing, undated creatinine',
    () =>
      run({
        renal: renal(25, {}, lab(2.8, 'mg/dL', { date: undefined, sources: ['Observation/creatinine'] })),
        weight: { missing: true, reason: 'not recorded' },
      }),
  ],
  ['GFR 25 mL/min with age missing', () => run({ renal: renal(25), age: { missing: true, reason: 'no birth date' } })],
];

describe('cisplatin-renal-risk: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });
});
