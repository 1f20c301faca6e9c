import { describe, expect, it } from 'vitest';
import type { Biomarkers, PatientPicture } from '../../../src/engine/picture.js';
import { secondLineOptions as rule } from '../../../src/engine/rules/second-line-options.js';
import { ctx, lungCancer, NONE, prostateCancer, smallCell } from '../builders.js';
import { colonNec, known, nen, rx } from './nec-builders.js';

/** Whole recommendations of second-line-options: sites, re-challenge thresholds, biomarkers, undated courses. */

const evaluate = (p: PatientPicture) => rule.evaluate(p, ctx('patient-view'));
const progressing = known<'progressing' | 'stable' | 'responding' | 'unknown'>('progressing', '2026-11-10', 'Observation/status');
function progressed(last = '2026-07-01', overrides: Partial<PatientPicture> = {}): PatientPicture {
  return colonNec({
    nen: nen('NEC', { date: '2026-04-20' }),
    therapies: [rx('cisplatin', { date: '2026-05-01', lastDate: last }), rx('etoposide', { date: '2026-05-01', lastDate: last })],
    diseaseStatus: progressing,
    ...overrides,
  });
}
const biomarkers = (b: Partial<Biomarkers>): Partial<PatientPicture> => ({ biomarkers: { brafV600E: NONE, msiHighOrDmmr: NONE, tmb: NONE, hrr: NONE, ...b } });
const positive = (source: string) => known<'positive' | 'negative' | 'indeterminate'>('positive', '2026-10-20', source);
const sclc = { cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung', display: 'Small cell carcinoma of lung' })] };

const scenarios: [string, () => ReturnType<typeof evaluate>][] = [
  [
    'extrapulmonary, MSI-high and TMB 12, dated biomarkers',
    () => evaluate(progressed(undefined, biomarkers({ msiHighOrDmmr: positive('Observation/msi'), tmb: known(12, '2026-10-20', 'Observation/tmb') }))),
  ],
  ['extrapulmonary, TMB 12 undated', () => evaluate(progressed(undefined, biomarkers({ tmb: { value: 12, sources: ['Observation/tmb'] } })))],
  [
    'extrapulmonary, MSI-high undated',
    () => evaluate(progressed(undefined, biomarkers({ msiHighOrDmmr: { value: 'positive', sources: ['Observation/msi'] } }))),
  ],
  ['lung small cell, last dose 5 months ago', () => evaluate(progressed('2026-06-10', sclc))],
  [
    'lung small cell, last dose 7 months ago',
    () =>
      evaluate(
        progressed('2026-04-10', {
          ...sclc,
          therapies: [rx('carboplatin', { date: '2026-01-10', lastDate: '2026-04-10' }), rx('etoposide', { date: '2026-01-10', lastDate: '2026-04-10' })],
          nen: nen('NEC', { date: '2026-01-01' }),
        }),
      ),
  ],
  [
    'lung large cell (not small cell): ENETS threshold',
    () => evaluate(progressed('2026-06-10', { cancers: [lungCancer()], histology: [smallCell({ histologyClass: 'large-cell-nec', specimenSite: 'lung' })] })),
  ],
  ['NEPC', () => evaluate(progressed(undefined, { cancers: [prostateCancer()], histology: [smallCell({ date: '2026-04-20' })] }))],
  [
    'course without start dates',
    () =>
      evaluate(
        progressed(undefined, {
          therapies: [rx('cisplatin', { date: undefined, lastDate: '2026-07-01' }), rx('etoposide', { date: undefined, lastDate: '2026-07-01' })],
        }),
      ),
  ],
];

describe('second-line-options: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });

  it('no progression on record → no card', () => {
    expect(evaluate(progressed(undefined, { diseaseStatus: NONE }))).toBeNull();
  });
});
