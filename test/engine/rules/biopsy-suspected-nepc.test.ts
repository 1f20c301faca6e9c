import { describe, expect, it } from 'vitest';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { biopsySuspectedNepc } from '../../../src/engine/rules/biopsy-suspected-nepc.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE, picture, prostateCancer, smallCell } from '../builders.js';
import { daysAgo, metastasis, procedure, psa } from './nepc-builders.js';

const rule = biopsySuspectedNepc;
const crpc = { value: true, basis: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] };
const progressing = { value: 'progressing' as const, date: '2026-11-10', sources: ['Observation/status'] };

/** Castration-resistant prostate cancer, new liver metastasis 30 days ago, PSA 3.2 ng/mL 10 days ago. */
function suspected(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return picture({
    cancers: [prostateCancer()],
    castrationResistant: crpc,
    metastases: [metastasis('bone', { date: '2024-01-01' }), metastasis('liver', { date: daysAgo(30) })],
    psa: [psa(3.2, daysAgo(10))],
    ...overrides,
  });
}

describe('biopsy-suspected-nepc', () => {
  it('fires: warning, liver biopsy proposed with the immunohistochemistry panel', () => {
    const rec = rule.evaluate(suspected(), ctx());
    expect(rec).toMatchObject({
      ruleId: 'biopsy-suspected-nepc',
      indicator: 'warning',
      variant: 'liver',
      values: { sites: 'liver' },
      suggestions: [
        { labelKey: 'biopsy', isRecommended: true, actions: [{ kind: 'propose-service', order: { procedure: 'liver-biopsy', category: 'procedure' } }] },
      ],
    });
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Biopsy the liver metastasis to look for small cell / neuroendocrine transformation');
    expect(card.detail).toContain('synaptophysin, chromogranin A, INSM1, Ki-67, androgen receptor (AR), PSA and NKX3.1');
    expect(card.detail).toContain('lytic bone metastases and lymph nodes of 5 cm or more');
    expect(card.detail).toContain('verify before signing');
    expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
      type: 'create',
      resource: {
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'proposal',
        code: { coding: [expect.objectContaining({ code: expect.any(String) })] },
      },
    });
  });

  it('cites prostate cancer, castration resistance, the new visceral metastasis and the PSA', () => {
    expect(rule.evaluate(suspected(), ctx())?.facts).toEqual([
      { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
      { label: 'Castration-resistant', value: 'recorded: Hormone resistant malignancy status', date: '2026-06-01', sources: ['Condition/crpc'] },
      {
        label: 'New visceral metastasis (liver)',
        value: 'Secondary malignant neoplasm of liver (first recorded 30 days ago)',
        date: daysAgo(30),
        sources: ['Condition/met-liver'],
      },
      { label: 'Latest PSA', value: '3.2 ng/mL', date: daysAgo(10), sources: [`Observation/psa-${daysAgo(10)}`] },
    ]);
  });

  it('a new lung metastasis without liver disease → text-only biopsy of an accessible metastasis', () => {
    const rec = rule.evaluate(suspected({ metastases: [metastasis('lung', { date: daysAgo(20) })] }), ctx());
    expect(rec?.variant).toBe('other');
    const order = rec?.suggestions[0]?.actions[0];
    expect(order).toMatchObject({ kind: 'propose-service', order: { text: expect.stringContaining('accessible metastasis (lung)') } });
    expect(order && 'order' in order ? order.order : undefined).not.toHaveProperty('procedure');
    expect(renderRecommendation(rec!).summary).toBe('Biopsy an accessible metastasis to look for small cell / neuroendocrine transformation');
  });

  it('an older liver metastasis with a new adrenal one → liver biopsy, new site named', () => {
    const rec = rule.evaluate(suspected({ metastases: [metastasis('liver', { date: '2025-01-01' }), metastasis('adrenal', { date: daysAgo(5) })] }), ctx());
    expect(rec).toMatchObject({ variant: 'liver', values: { sites: 'adrenal' } });
  });

  it('radiographic progression without a castration-resistant status → fires', () => {
    expect(rule.evaluate(suspected({ castrationResistant: NONE, diseaseStatus: progressing }), ctx())?.facts).toContainEqual({
      label: 'Disease status',
      value: 'progressing',
      date: '2026-11-10',
      sources: ['Observation/status'],
    });
  });

  describe('thresholds', () => {
    it.each([
      [180, true],
      [181, false],
    ])('visceral metastasis first recorded %i days ago (new ≤ 180) → fires: %s', (days, fires) => {
      expect(rule.evaluate(suspected({ metastases: [metastasis('liver', { date: daysAgo(days) })] }), ctx()) !== null).toBe(fires);
    });

    it('the new-metastasis window is a setting (200 days makes 181 new)', () => {
      expect(
        rule.evaluate(suspected({ metastases: [metastasis('liver', { date: daysAgo(181) })] }), ctx('patient-view', { newMetastasisDays: 200 })),
      ).not.toBeNull();
    });

    it.each([
      [10, true],
      [10.1, false],
    ])('PSA %f ng/mL (low ≤ 10) → fires: %s', (value, fires) => {
      expect(rule.evaluate(suspected({ psa: [psa(value, daysAgo(10))] }), ctx()) !== null).toBe(fires);
    });

    it('the low-PSA threshold is a setting (20 makes 15 low)', () => {
      expect(rule.evaluate(suspected({ psa: [psa(15, daysAgo(10))] }), ctx('patient-view', { lowPsaNgMl: 20 }))).not.toBeNull();
    });

    it.each([
      [60, true],
      [61, false],
    ])('PSA measured %i days ago (recent ≤ 60) → fires: %s', (days, fires) => {
      expect(rule.evaluate(suspected({ psa: [psa(2, daysAgo(days))] }), ctx()) !== null).toBe(fires);
    });

    it.each([
      [90, false],
      [91, true],
    ])('liver biopsy %i days ago (recent ≤ 90) → fires: %s', (days, fires) => {
      const rec = rule.evaluate(suspected({ procedures: [procedure('liver-biopsy', 'biopsy', daysAgo(days))] }), ctx());
      expect(rec !== null).toBe(fires);
      if (rec)
        expect(rec.facts).toContainEqual(expect.objectContaining({ label: 'Earlier metastasis biopsy (done)', value: `liver-biopsy (${days} days ago)` }));
    });

    it('a metastasis biopsy ordered (not yet done) 5 days ago also blocks the card', () => {
      expect(rule.evaluate(suspected({ procedures: [procedure('liver-biopsy', 'biopsy', daysAgo(5), { status: 'ordered' })] }), ctx())).toBeNull();
    });

    it('an undated metastasis biopsy is not counted as recent: the card fires and says its date is not recorded', () => {
      const rec = rule.evaluate(suspected({ procedures: [procedure('liver-biopsy', 'biopsy', undefined)] }), ctx());
      expect(rec?.facts).toContainEqual(expect.objectContaining({ value: 'liver-biopsy (date not recorded)' }));
    });

    it('a recent prostate biopsy is not a metastasis biopsy → still fires', () => {
      expect(rule.evaluate(suspected({ procedures: [procedure('prostate-biopsy', 'biopsy', daysAgo(10))] }), ctx())).not.toBeNull();
    });
  });

  describe('PSA not rising while imaging progresses', () => {
    it('PSA 15 → 14 with radiographic progression → fires, both PSAs cited', () => {
      const rec = rule.evaluate(suspected({ diseaseStatus: progressing, psa: [psa(14, daysAgo(10)), psa(15, daysAgo(50))] }), ctx());
      expect(rec?.values.psaBasis).toBe(`PSA is not rising (15 ng/mL on ${daysAgo(50)}, then 14 ng/mL on ${daysAgo(10)}) while the disease progresses`);
      expect(rec?.facts.map((f) => f.label)).toContain('Previous PSA');
    });

    it('PSA 15 → 15 (stable) with progression → fires', () => {
      expect(rule.evaluate(suspected({ diseaseStatus: progressing, psa: [psa(15, daysAgo(10)), psa(15, daysAgo(50))] }), ctx())).not.toBeNull();
    });

    it('PSA 15 → 16 (rising) → no card', () => {
      expect(rule.evaluate(suspected({ diseaseStatus: progressing, psa: [psa(16, daysAgo(10)), psa(15, daysAgo(50))] }), ctx())).toBeNull();
    });

    it('PSA 15 → 14 without radiographic progression (castration-resistant only) → no card', () => {
      expect(rule.evaluate(suspected({ psa: [psa(14, daysAgo(10)), psa(15, daysAgo(50))] }), ctx())).toBeNull();
    });

    it('a single PSA of 15 with progression (nothing to compare) → no card', () => {
      expect(rule.evaluate(suspected({ diseaseStatus: progressing, psa: [psa(15, daysAgo(10))] }), ctx())).toBeNull();
    });
  });

  describe('near misses', () => {
    it('no prostate cancer → no card', () => {
      expect(rule.evaluate(suspected({ cancers: [] }), ctx())).toBeNull();
    });

    it('small cell histology already on record → no card (the other NEPC rules take over)', () => {
      expect(rule.evaluate(suspected({ histology: [smallCell()] }), ctx())).toBeNull();
      expect(rule.evaluate(suspected({ histology: [smallCell({ histologyClass: 'large-cell-nec' })] }), ctx())).toBeNull();
    });

    it('adenocarcinoma histology does not block it', () => {
      expect(
        rule.evaluate(suspected({ histology: [smallCell({ histologyClass: 'adenocarcinoma', display: 'Acinar adenocarcinoma' })] }), ctx()),
      ).not.toBeNull();
    });

    it('castration-sensitive (status false), not progressing → no card', () => {
      expect(rule.evaluate(suspected({ castrationResistant: { ...crpc, value: false } }), ctx())).toBeNull();
    });

    it('castration status missing and disease stable → no card', () => {
      expect(rule.evaluate(suspected({ castrationResistant: NONE, diseaseStatus: { value: 'stable', sources: ['Observation/s'] } }), ctx())).toBeNull();
    });

    it('new bone or lymph node metastases only (not visceral) → no card', () => {
      expect(
        rule.evaluate(suspected({ metastases: [metastasis('bone', { date: daysAgo(10) }), metastasis('lymph-node', { date: daysAgo(10) })] }), ctx()),
      ).toBeNull();
    });

    it('undated visceral metastasis is not "new" → no card', () => {
      expect(rule.evaluate(suspected({ metastases: [metastasis('liver', { date: undefined })] }), ctx())).toBeNull();
    });

    it('no PSA on record → no card', () => {
      expect(rule.evaluate(suspected({ psa: [] }), ctx())).toBeNull();
    });

    it('PSA reported as "> 5" (a lower bound) is not low → no card', () => {
      expect(rule.evaluate(suspected({ psa: [psa(5, daysAgo(10), { comparator: '>' })] }), ctx())).toBeNull();
    });

    it('PSA reported as "< 0.1" is low → fires', () => {
      expect(rule.evaluate(suspected({ psa: [psa(0.1, daysAgo(10), { comparator: '<' })] }), ctx())?.facts).toContainEqual(
        expect.objectContaining({ label: 'Latest PSA', value: '< 0.1 ng/mL' }),
      );
    });
  });

  it('runs on patient-view only', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });
});
