import { describe, expect, it } from 'vitest';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { startPlatinumEtoposide as rule } from '../../../src/engine/rules/start-platinum-etoposide.js';
import { ctx, lungCancer, NONE, prostateCancer, smallCell } from '../builders.js';
import { colonNec, doseInputs, known, lab, nen } from './nec-builders.js';

/** Whole recommendations of start-platinum-etoposide: doses, eligibility, missing inputs, sites (texts, facts, orders). */

const evaluate = (p: PatientPicture) => rule.evaluate(p, ctx('patient-view'));
const smallCellLung = { cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung', display: 'Small cell carcinoma of lung' })] };

const scenarios: [string, () => ReturnType<typeof evaluate>][] = [
  ['metastatic colon NEC, fit 60-year-old', () => evaluate(colonNec())],
  [
    'metastatic colon NEC, age 74, ECOG 2, neuropathy, GFR 50',
    () =>
      evaluate(
        colonNec({ age: known(74), ecog: known(2), neuropathy: known('Peripheral neuropathy', '2026-03-01', 'Condition/pn'), ...doseInputs('2026-11-20', 50) }),
      ),
  ],
  ['age and ECOG not recorded', () => evaluate(colonNec({ age: NONE, ecog: NONE }))],
  ['stale weight, height and creatinine', () => evaluate(colonNec(doseInputs('2026-11-01')))],
  [
    'no weight: BSA and GFR not computed',
    () =>
      evaluate(
        colonNec({
          weight: NONE,
          bsa: { missing: true, reason: 'no weight' },
          renal: {
            creatinine: lab(1.0, 'mg/dL'),
            egfr: NONE,
            crcl: { missing: true, reason: 'no weight' },
            gfrForDosing: { missing: true, reason: 'no weight' },
          },
        }),
      ),
  ],
  [
    'body surface area with a stale date but fresh parts',
    () => evaluate(colonNec({ bsa: { ...doseInputs().bsa!, date: '2026-10-01' } as PatientPicture['bsa'] })),
  ],
  [
    'prostate small cell (NEPC)',
    () => evaluate(colonNec({ cancers: [prostateCancer()], histology: [smallCell()], nen: nen('NEC', { basis: 'small cell histology' }) })),
  ],
  ['lung small cell, metastatic', () => evaluate(colonNec(smallCellLung))],
  ['lung small cell, no metastasis on record', () => evaluate(colonNec({ ...smallCellLung, metastases: [] }))],
  ['colon NEC, no metastasis on record', () => evaluate(colonNec({ metastases: [] }))],
  ['ECOG 3', () => evaluate(colonNec({ ecog: known(3) }))],
];

describe('start-platinum-etoposide: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });

  it('a lung cancer without small cell histology is not the small cell lung variant', () => {
    expect(evaluate(colonNec({ cancers: [lungCancer()] }))?.variant).not.toBe('lung-extensive');
  });
});
