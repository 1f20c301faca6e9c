import { describe, expect, it } from 'vitest';
import type { DerivedFact, PatientPicture } from '../../../src/engine/picture.js';
import { boneHealthNepc } from '../../../src/engine/rules/bone-health-nepc.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE, picture, prostateCancer, seed000 } from '../builders.js';
import { daysAgo, med, metastasis } from './nepc-builders.js';

const rule = boneHealthNepc;
const crpc = { value: true, basis: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] };
const crcl = (value: number, date = daysAgo(3)): DerivedFact => ({
  value,
  unit: 'mL/min',
  method: 'cockcroft-gault',
  formula: `(140 − 74) × 78 kg / (72 × 1.1 mg/dL)`,
  date,
  sources: ['Observation/creat', 'Observation/weight'],
});

function crpcBone(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return picture({
    cancers: [prostateCancer()],
    castrationResistant: crpc,
    metastases: [metastasis('bone', { date: '2026-02-01' })],
    therapies: [med('leuprolide')],
    ...overrides,
  });
}
const withCrcl = (value: number, date?: string) => crpcBone({ renal: { creatinine: NONE, egfr: NONE, crcl: crcl(value, date), gfrForDosing: NONE } });

describe('bone-health-nepc', () => {
  it('castration-resistant with bone metastases and no bone agent → info without suggestions', () => {
    const rec = rule.evaluate(crpcBone(), ctx());
    expect(rec).toMatchObject({ ruleId: 'bone-health-nepc', indicator: 'info', variant: 'crpc', suggestions: [] });
    expect(rec?.facts).toEqual([
      { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
      { label: 'Castration-resistant', value: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] },
      { label: 'Bone metastasis', value: 'Secondary malignant neoplasm of bone', date: '2026-02-01', sources: ['Condition/met-bone'] },
    ]);
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Consider zoledronic acid or denosumab: castration-resistant prostate cancer with bone metastases, no bone agent');
    expect(card.suggestions).toBeUndefined();
    expect(card.detail).toContain('No creatinine clearance: not recorded');
    expect(card.detail).toContain('dental review');
    expect(card.detail).toContain('CALGB 90202');
    expect(card.detail).toContain('001_bcb483828ce62f20.txt');
  });

  it('fires for small cell prostate cancer too (seed 000 + castration-resistant + bone)', () => {
    expect(rule.evaluate(seed000({ castrationResistant: crpc, metastases: [metastasis('bone'), metastasis('liver')] }), ctx())?.indicator).toBe('info');
  });

  it.each([
    [61, 'zoledronic acid 4 mg'],
    [60, 'zoledronic acid 3.5 mg'],
    [50, 'zoledronic acid 3.5 mg'],
    [49, 'zoledronic acid 3.3 mg'],
    [40, 'zoledronic acid 3.3 mg'],
    [39, 'zoledronic acid 3.0 mg'],
    [30, 'zoledronic acid 3.0 mg'],
    [29, 'zoledronic acid is not recommended below 30 mL/min'],
  ])('creatinine clearance %i mL/min → %s', (value, text) => {
    const rec = rule.evaluate(withCrcl(value), ctx());
    expect(rec?.values.renalNote).toContain(text);
    expect(rec?.values.renalNote).toContain(`${value} mL/min on ${daysAgo(3)}`);
    expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Creatinine clearance (Cockcroft–Gault)', date: daysAgo(3) }));
  });

  it.each([
    [7, false],
    [8, true],
  ])('creatinine clearance %i days old (max 7) → stale: %s', (days, stale) => {
    const note = rule.evaluate(withCrcl(45, daysAgo(days)), ctx())?.values.renalNote;
    expect(note?.includes('recheck creatinine')).toBe(stale);
    expect(note?.includes('zoledronic acid 3.3 mg')).toBe(!stale);
    if (stale) expect(note).toContain(`(older than 7 days)`);
  });

  describe('bone-targeted agent', () => {
    it.each(['zoledronic-acid', 'denosumab'])('current %s → no card', (drug) => {
      expect(rule.evaluate(crpcBone({ therapies: [med(drug)] }), ctx())).toBeNull();
    });

    it.each([
      [98, false],
      [99, true],
    ])('zoledronic acid last given %i days ago (12 weeks + 14 days grace = 98) → card: %s', (days, fires) => {
      const given = med('zoledronic-acid', { status: 'past', kind: 'administration', date: daysAgo(days), lastDate: daysAgo(days) });
      const rec = rule.evaluate(crpcBone({ therapies: [given] }), ctx());
      expect(rec !== null).toBe(fires);
      if (rec) expect(rec.facts).toContainEqual(expect.objectContaining({ label: 'Earlier bone-targeted agent (not current)', date: daysAgo(days) }));
    });
  });

  describe('near misses', () => {
    it('castration-sensitive (status false) → no card (CALGB 90202)', () => {
      expect(rule.evaluate(crpcBone({ castrationResistant: { ...crpc, value: false } }), ctx())).toBeNull();
    });

    it('castration status unknown → no card', () => {
      expect(rule.evaluate(crpcBone({ castrationResistant: NONE }), ctx())).toBeNull();
    });

    it('no bone metastasis (liver and nodes only) → no card', () => {
      expect(rule.evaluate(crpcBone({ metastases: [metastasis('liver'), metastasis('lymph-node')] }), ctx())).toBeNull();
    });

    it('no prostate cancer on record → no card', () => {
      expect(rule.evaluate(crpcBone({ cancers: [] }), ctx())).toBeNull();
    });
  });

  it('runs on patient-view only', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });
});
