import { describe, expect, it } from 'vitest';
import type { Cancer, HistologyFinding } from '../../../src/engine/picture.js';
import { clinicalTrialReferral, necSite } from '../../../src/engine/rules/clinical-trial-referral.js';
import { ctx, lungCancer, prostateCancer, smallCell } from '../builders.js';
import { colonCancer, colonNec, necHistology } from './nec-builders.js';

/** necSite (shared by the NEC rules): prostate, origin uncertain, lung or extrapulmonary, and whether small cell. */

const unknownPrimary: Cancer = { primarySite: 'unknown', display: 'Malignant neoplasm, primary site unknown', date: '2026-09-01', sources: ['Condition/cup'] };
const largeCell = (overrides: Partial<HistologyFinding> = {}) =>
  necHistology({ histologyClass: 'large-cell-nec', display: 'Large cell neuroendocrine carcinoma', ...overrides });
const site = (cancers: Cancer[], histology: HistologyFinding[]) => necSite(colonNec({ cancers, histology }));

describe('necSite', () => {
  it.each([
    ['prostate + small cell', [prostateCancer()], [smallCell()], { kind: 'nepc', smallCell: true, condition: 'neuroendocrine prostate cancer' }],
    [
      'prostate + large cell',
      [prostateCancer()],
      [largeCell({ specimenSite: 'prostate' })],
      { kind: 'nepc', smallCell: false, condition: 'neuroendocrine prostate cancer' },
    ],
    [
      'prostate + lung + small cell from the liver',
      [prostateCancer(), lungCancer()],
      [smallCell()],
      { kind: 'origin-uncertain', smallCell: true, condition: 'small cell carcinoma' },
    ],
    [
      'prostate + lung + large cell from the liver',
      [prostateCancer(), lungCancer()],
      [largeCell({ specimenSite: 'liver' })],
      { kind: 'origin-uncertain', smallCell: false, condition: 'neuroendocrine carcinoma' },
    ],
    ['lung primary, small cell from the liver', [lungCancer()], [smallCell()], { kind: 'lung', smallCell: true, condition: 'small cell lung cancer' }],
    [
      'lung + unknown primary, large cell from the liver',
      [lungCancer(), unknownPrimary],
      [largeCell({ specimenSite: 'liver' })],
      { kind: 'lung', smallCell: false, condition: 'large cell neuroendocrine carcinoma' },
    ],
    [
      'unknown primary only, small cell from the liver',
      [unknownPrimary],
      [smallCell()],
      { kind: 'extrapulmonary', smallCell: true, condition: 'neuroendocrine carcinoma' },
    ],
    [
      'lung + colon primaries, NEC from the colon',
      [lungCancer(), colonCancer()],
      [necHistology()],
      { kind: 'extrapulmonary', smallCell: false, condition: 'neuroendocrine carcinoma' },
    ],
    [
      'colon primary, small cell from a lung specimen',
      [colonCancer()],
      [smallCell({ specimenSite: 'lung' })],
      { kind: 'lung', smallCell: true, condition: 'small cell lung cancer' },
    ],
    [
      'colon primary, large cell from a lung specimen beside small cell from the colon',
      [colonCancer()],
      [largeCell({ specimenSite: 'lung' }), smallCell({ specimenSite: 'colon' })],
      { kind: 'lung', smallCell: false, condition: 'large cell neuroendocrine carcinoma' },
    ],
    [
      'colon primary, large cell beside small cell, both from the colon',
      [colonCancer()],
      [largeCell(), smallCell({ specimenSite: 'colon' })],
      { kind: 'extrapulmonary', smallCell: true, condition: 'neuroendocrine carcinoma' },
    ],
    [
      'colon primary, a well-differentiated NET from the lung is not a NEC finding',
      [colonCancer()],
      [necHistology(), necHistology({ histologyClass: 'net-well-differentiated', specimenSite: 'lung' })],
      { kind: 'extrapulmonary', smallCell: false, condition: 'neuroendocrine carcinoma' },
    ],
  ] as const)('%s', (_name, cancers, histology, expected) => {
    expect(site([...cancers], [...histology])).toEqual(expected);
  });
});

describe('clinical-trial-referral: whole recommendations per site', () => {
  it.each([
    ['NEPC', [prostateCancer()], [smallCell()]],
    ['origin uncertain', [prostateCancer(), lungCancer()], [largeCell({ specimenSite: 'liver' })]],
    ['lung large cell', [lungCancer()], [largeCell({ specimenSite: 'lung' })]],
    ['extrapulmonary small cell', [colonCancer()], [smallCell({ specimenSite: 'colon' })]],
  ] as const)('%s', (_name, cancers, histology) => {
    expect(clinicalTrialReferral.evaluate(colonNec({ cancers: [...cancers], histology: [...histology] }), ctx())).toMatchSnapshot();
  });
});
