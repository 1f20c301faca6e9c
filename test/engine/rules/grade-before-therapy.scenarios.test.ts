import { describe, expect, it } from 'vitest';
import type { NenClass, PatientPicture } from '../../../src/engine/picture.js';
import { gradeBeforeTherapy as rule } from '../../../src/engine/rules/grade-before-therapy.js';
import { ctx, picture } from '../builders.js';
import { ki67, lab, liverMet, nen, order, pancreasCancer, procedureOrder } from './nec-builders.js';

/** Whole recommendations of grade-before-therapy: counts on record, pending reviews, the drafts it names. */

const nenPicture = (nenClass: NenClass = 'NEN-ungraded', overrides: Partial<PatientPicture> = {}) =>
  picture({ cancers: [pancreasCancer()], nen: nen(nenClass), metastases: [liverMet()], ...overrides });
const pendingReview = {
  procedure: 'ki67-pathology-review',
  category: 'pathology-review' as const,
  status: 'ordered' as const,
  display: 'Ki-67 review',
  sources: ['ServiceRequest/review'],
};

const scenarios: [string, () => ReturnType<typeof rule.evaluate>][] = [
  [
    'patient-view, Ki-67 and a mitotic count on record, a review ordered on a date and one undated',
    () =>
      rule.evaluate(
        nenPicture('high-grade-NEN-unclear', {
          ki67: ki67(35),
          mitoticCount: lab(12, 'per 2 mm²', '2026-10-03', 'Observation/mitoses'),
          procedures: [
            { ...pendingReview, date: '2026-11-01' },
            { ...pendingReview, display: 'Second opinion' },
            { ...pendingReview, status: 'done', display: 'Done review' },
          ],
        }),
        ctx(),
      ),
  ],
  [
    'patient-view, undated mitotic count, review in this order set',
    () =>
      rule.evaluate(
        nenPicture('NEN-ungraded', {
          mitoticCount: { value: 3, unit: 'per 10 HPF', sources: ['Observation/m'] },
          draftOrders: [procedureOrder('ki67-pathology-review', { asRecorded: 'Ki-67 by pathology' })],
        }),
        ctx(),
      ),
  ],
  [
    'order-sign of CAPTEM (capecitabine + temozolomide) for a presumed G1/G2',
    () =>
      rule.evaluate(nenPicture('NET-G1/G2-presumed', { draftOrders: [order('capecitabine'), order('temozolomide'), order('ondansetron')] }), ctx('order-sign')),
  ],
  [
    'order-sign of capecitabine without temozolomide',
    () => rule.evaluate(nenPicture('NET-G1/G2-presumed', { draftOrders: [order('capecitabine')] }), ctx('order-sign')),
  ],
  [
    'order-sign of CAPTEM out of scope',
    () =>
      rule.evaluate(
        nenPicture('NET-G1/G2-presumed', { draftOrders: [order('capecitabine', { inScope: false }), order('temozolomide', { inScope: false })] }),
        ctx('order-sign'),
      ),
  ],
];

describe('grade-before-therapy: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });
});
