import { describe, expect, it } from 'vitest';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { biopsySuspectedNepc as rule } from '../../../src/engine/rules/biopsy-suspected-nepc.js';
import { ctx, picture, prostateCancer } from '../builders.js';
import { daysAgo, metastasis, procedure, psa } from './nepc-builders.js';

/** Whole recommendations of biopsy-suspected-nepc: PSA low, bounded or not rising; liver or other sites; earlier biopsies. */

const crpc = { value: true, basis: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] };
const suspected = (overrides: Partial<PatientPicture> = {}) =>
  picture({
    cancers: [prostateCancer()],
    castrationResistant: crpc,
    metastases: [metastasis('bone', { date: '2024-01-01' }), metastasis('liver', { date: daysAgo(30) })],
    psa: [psa(3.2, daysAgo(10))],
    ...overrides,
  });

describe('biopsy-suspected-nepc: whole recommendations', () => {
  it.each([
    [
      'low PSA, new liver metastasis, an earlier prostate biopsy and a lymph node biopsy',
      () => suspected({ procedures: [procedure('prostate-biopsy', 'biopsy', '2019-04-01'), procedure('lymph-node-biopsy', 'biopsy', daysAgo(400))] }),
    ],
    [
      'PSA not rising (5.0 then 4.8), new adrenal metastasis',
      () =>
        suspected({
          psa: [psa(4.8, daysAgo(10)), psa(5.0, daysAgo(60))],
          metastases: [metastasis('bone', { date: '2024-01-01' }), metastasis('adrenal', { date: daysAgo(20) })],
        }),
    ],
    ['PSA "> 50" (a lower bound) → not low', () => suspected({ psa: [psa(50, daysAgo(10), { comparator: '>' })] })],
    [
      'PSA "<= 0.1" with a prostate cancer recorded as a second cancer',
      () => suspected({ cancers: [prostateCancer({ sources: ['Condition/pca-2'] })], psa: [psa(0.1, daysAgo(10), { comparator: '<=' })] }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(rule.evaluate(p(), ctx())).toMatchSnapshot();
  });
});
