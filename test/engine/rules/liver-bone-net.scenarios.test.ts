import { describe, expect, it } from 'vitest';
import type { DerivedFact, PatientPicture } from '../../../src/engine/picture.js';
import { avoidLiverDirectedHighGrade } from '../../../src/engine/rules/avoid-liver-directed-high-grade.js';
import { boneHealthNepc } from '../../../src/engine/rules/bone-health-nepc.js';
import { wellDifferentiatedNetOptions } from '../../../src/engine/rules/well-differentiated-net-options.js';
import { ctx, picture, prostateCancer } from '../builders.js';
import { colonCancer, ki67, liverMet, nen, pancreasCancer, rx } from './nec-builders.js';
import { daysAgo, med, metastasis } from './nepc-builders.js';
import { necPicture, pastPlatinumEtoposide, serviceDraft } from './orders-builders.js';

/** Whole recommendations of avoid-liver-directed-high-grade, bone-health-nepc and well-differentiated-net-options. */

const tace = serviceDraft('tace', 'Chemoembolization of liver metastases');
const status = (value: 'progressing' | 'stable' | 'responding' | 'unknown'): PatientPicture['diseaseStatus'] => ({
  value,
  date: '2026-11-10',
  sources: ['Observation/status'],
});

describe('avoid-liver-directed-high-grade: whole recommendations', () => {
  it.each([
    ['after platinum–etoposide, disease status not recorded', () => necPicture({ draftOrders: [tace], therapies: pastPlatinumEtoposide() })],
    [
      'after platinum–etoposide, status missing for another reason',
      () => necPicture({ draftOrders: [tace], therapies: pastPlatinumEtoposide(), diseaseStatus: { missing: true, reason: 'conflicting observations' } }),
    ],
    [
      'after platinum–etoposide, status unknown',
      () => necPicture({ draftOrders: [tace], therapies: pastPlatinumEtoposide(), diseaseStatus: status('unknown') }),
    ],
    [
      'current platinum–etoposide, progressing, NEC undated',
      () =>
        necPicture({
          draftOrders: [tace],
          therapies: pastPlatinumEtoposide().map((t) => ({ ...t, status: 'current' as const })),
          diseaseStatus: status('progressing'),
          nen: { ...necPicture().nen, date: undefined },
        }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(avoidLiverDirectedHighGrade.evaluate(p(), ctx('order-sign'))).toMatchSnapshot();
  });
});

describe('bone-health-nepc: whole recommendations', () => {
  const crpc = { value: true, basis: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] };
  const crcl = (value: number): DerivedFact => ({
    value,
    unit: 'mL/min',
    method: 'cockcroft-gault',
    formula: '(140 − 74) × 78 kg / (72 × 1.1 mg/dL)',
    date: daysAgo(3),
    sources: ['Observation/creat'],
  });
  const crpcBone = (overrides: Partial<PatientPicture> = {}) =>
    picture({
      cancers: [prostateCancer()],
      castrationResistant: crpc,
      metastases: [metastasis('bone', { date: '2026-02-01' })],
      therapies: [med('leuprolide')],
      ...overrides,
    });
  it.each([
    [
      'an earlier zoledronic acid stopped 200 days ago, clearance 45',
      () =>
        crpcBone({
          therapies: [med('leuprolide'), med('zoledronic-acid', { status: 'past', date: daysAgo(400), lastDate: daysAgo(200) })],
          renal: { ...crpcBone().renal, crcl: crcl(45) },
        }),
    ],
    [
      'an earlier denosumab without a last date',
      () => crpcBone({ therapies: [med('leuprolide'), med('denosumab', { status: 'past', date: daysAgo(300), lastDate: undefined })] }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(boneHealthNepc.evaluate(p(), ctx())).toMatchSnapshot();
  });
});

describe('well-differentiated-net-options: whole recommendations', () => {
  const net = (overrides: Partial<PatientPicture>) =>
    picture({ cancers: [pancreasCancer()], nen: nen('NET-G2'), ki67: ki67(12), metastases: [liverMet()], ...overrides });
  it.each([
    [
      'rectal NET G2 on current lanreotide and past everolimus, mixed',
      () =>
        net({
          cancers: [colonCancer({ primarySite: 'rectum', display: 'NET of rectum' })],
          nen: nen('NET-G2', { mixed: true }),
          therapies: [rx('lanreotide', { status: 'current' }), rx('everolimus')],
        }),
    ],
    [
      'pancreatic NET G1 on current PRRT and sunitinib',
      () => net({ nen: nen('NET-G1'), therapies: [rx('lutetium-lu-177-dotatate', { status: 'current' }), rx('sunitinib', { status: 'current' })] }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(wellDifferentiatedNetOptions.evaluate(p(), ctx())).toMatchSnapshot();
  });
});
