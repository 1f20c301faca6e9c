import { describe, expect, it } from 'vitest';
import type { BiomarkerResult, Fact, PatientPicture } from '../../../src/engine/picture.js';
import { parpiWithoutHrr } from '../../../src/engine/rules/parpi-without-hrr.js';
import { radium223Visceral } from '../../../src/engine/rules/radium-223-visceral.js';
import { ctx, NONE, picture, prostateCancer, seed000 } from '../builders.js';
import { daysAgo, med, medDraft, metastasis, procedure, serviceDraft } from './nepc-builders.js';

/** Whole recommendations of parpi-without-hrr (test status wording) and radium-223-visceral (given, ordered, steroids). */

const hrr = (value: BiomarkerResult, date: string | null = '2026-09-01'): Fact<BiomarkerResult> => ({
  value,
  ...(date ? { date } : {}),
  sources: ['Observation/hrr'],
});
const withHrr = (value: Fact<BiomarkerResult> | undefined, overrides: Partial<PatientPicture> = {}) =>
  seed000({ draftOrders: [medDraft('olaparib')], biomarkers: { brafV600E: NONE, msiHighOrDmmr: NONE, tmb: NONE, hrr: value ?? NONE }, ...overrides });
const genomic = (status: 'ordered' | 'done', date?: string) => procedure('genomic-test', 'genomic-test', date, { status, display: `NGS panel (${status})` });

describe('parpi-without-hrr: whole recommendations', () => {
  it.each([
    ['negative, undated', () => withHrr(hrr('negative', null))],
    ['indeterminate, dated', () => withHrr(hrr('indeterminate'))],
    ['untested, a test ordered on a date and one undated', () => withHrr(undefined, { procedures: [genomic('ordered', daysAgo(5)), genomic('ordered')] })],
    [
      'untested, a test done but unread, a pathology review ordered',
      () =>
        withHrr(undefined, {
          procedures: [genomic('done', daysAgo(40)), procedure('ki67-pathology-review', 'pathology-review', daysAgo(2), { status: 'ordered' })],
        }),
    ],
    [
      'untested, a genomic test in the same order set',
      () => withHrr(undefined, { draftOrders: [medDraft('olaparib'), serviceDraft('genomic-test', { asRecorded: 'Tumour NGS' })] }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(parpiWithoutHrr.evaluate(p(), ctx('order-sign'))).toMatchSnapshot();
  });
});

describe('radium-223-visceral: whole recommendations', () => {
  const base = (overrides: Partial<PatientPicture>) =>
    picture({ cancers: [prostateCancer()], metastases: [metastasis('bone'), metastasis('liver')], ...overrides });
  const given = (lastDate?: string, date?: string) =>
    med('radium-223', {
      kind: 'administration',
      status: 'current',
      asRecorded: 'Xofigo injection',
      ...(lastDate ? { lastDate } : { lastDate: undefined }),
      date,
    });
  it.each([
    [
      'patient-view, given twice, the last on 2026-10-20',
      () =>
        radium223Visceral.evaluate(
          base({ therapies: [given('2026-10-20'), given('2026-09-20'), med('leuprolide'), med('radium-223', { asRecorded: 'Xofigo order' })] }),
          ctx(),
        ),
    ],
    ['patient-view, given once without a date', () => radium223Visceral.evaluate(base({ therapies: [given(undefined, undefined)] }), ctx())],
    [
      'order-sign of radium-223 with abiraterone and prednisone current',
      () =>
        radium223Visceral.evaluate(
          base({
            therapies: [
              med('abiraterone'),
              med('prednisone'),
              med('prednisone', { status: 'past', drug: 'methylprednisolone', asRecorded: 'methylprednisolone (past)' }),
            ],
            draftOrders: [medDraft('radium-223', { asRecorded: 'Xofigo 55 kBq/kg' })],
          }),
          ctx('order-sign'),
        ),
    ],
    [
      'order-sign of radium-223 without abiraterone',
      () => radium223Visceral.evaluate(base({ therapies: [med('prednisone')], draftOrders: [medDraft('radium-223')] }), ctx('order-sign')),
    ],
  ] as const)('%s', (_name, run) => {
    expect(run()).toMatchSnapshot();
  });
});
