import type { ServiceRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { DraftOrder, PatientPicture } from '../../../src/engine/picture.js';
import { preCycleLabs } from '../../../src/engine/rules/pre-cycle-labs.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE } from '../builders.js';
import { chemo, daysAgo, dosingPicture, lab, liverMetastasis, normalLabs } from './dosing-builders.js';

type Labs = Partial<PatientPicture['labs']>;
const anc = (value: number, overrides = {}) => lab(value, '10*3/uL', { sources: ['Observation/anc'], ...overrides });
const plt = (value: number, overrides = {}) => lab(value, '10*3/uL', { sources: ['Observation/plt'], ...overrides });

const sign = ctx('order-sign');
const run = (drafts: DraftOrder[], labs: Labs = {}, overrides: Partial<PatientPicture> = {}) =>
  preCycleLabs.evaluate(dosingPicture({ labs: { ...normalLabs(), ...labs }, draftOrders: drafts, ...overrides }), sign);
const carbo = () => chemo('carboplatin', [550, 'mg']);
const orderTexts = (rec: ReturnType<typeof run>) =>
  rec?.suggestions.flatMap((s) => s.actions.map((a) => (a.kind === 'propose-service' ? a.order.text : a.kind))) ?? [];

describe('pre-cycle-labs', () => {
  it('runs on order-sign only', () => {
    expect(preCycleLabs.hooks).toEqual(['order-sign']);
  });

  it('current normal labs → no card', () => {
    expect(run([carbo(), chemo('etoposide', [100, 'mg/m2'])])).toBeNull();
  });

  describe('blood counts (×10⁹/L = 10*3/uL)', () => {
    it.each([
      [1.5, null],
      [1.49, 'warning'],
      [1.0, 'warning'],
      [0.99, 'critical'],
    ] as const)('neutrophils %s → %s', (value, indicator) => {
      expect(run([carbo()], { anc: anc(value) })?.indicator ?? null).toBe(indicator);
    });

    it.each([
      [100, null],
      [99, 'warning'],
      [50, 'warning'],
      [49, 'critical'],
    ] as const)('platelets %s → %s', (value, indicator) => {
      expect(run([carbo()], { platelets: plt(value) })?.indicator ?? null).toBe(indicator);
    });

    it('critical counts: summary names drug and values, facts cite them with dates, no lab order', () => {
      const rec = run([carbo()], { anc: anc(0.8), platelets: plt(45) });
      expect(rec).toMatchObject({ ruleId: 'pre-cycle-labs', indicator: 'critical', variant: 'critical', suggestions: [] });
      expect(rec?.facts).toContainEqual({
        label: 'Absolute neutrophil count',
        value: '0.8 ×10⁹/L (threshold 1.5; critical below 1)',
        date: daysAgo(3),
        sources: ['Observation/anc'],
      });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Blood counts too low to give carboplatin: neutrophils 0.8 ×10⁹/L and platelets 45 ×10⁹/L');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    });

    it('low (not critical) counts → warning variant "low"', () => {
      const rec = run([carbo()], { anc: anc(1.2) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'low' });
      expect(renderRecommendation(rec!).summary).toBe('Blood counts below the usual threshold for carboplatin: neutrophils 1.2 ×10⁹/L');
    });

    it('a "< 0.5" bound counts as below 1.0', () => {
      expect(run([carbo()], { anc: anc(0.5, { comparator: '<' }) })?.indicator).toBe('critical');
    });

    it.each([
      [7, null],
      [8, 'warning'],
    ] as const)('blood count %s days old → %s', (days, indicator) => {
      const rec = run([carbo()], { anc: anc(3.2, { date: daysAgo(days) }), platelets: plt(240, { date: daysAgo(days) }) });
      expect(rec?.indicator ?? null).toBe(indicator);
      if (rec) {
        expect(rec.variant).toBe('missing');
        expect(orderTexts(rec)).toEqual(['Complete blood count with differential (absolute neutrophil count, platelets)']);
        expect(rec.values.findings).toContain(`neutrophils 3.2 10*3/uL on ${daysAgo(8)} (older than 7 days)`);
      }
    });

    it('a low count older than 7 days is not used: the count is asked for again, not graded', () => {
      const rec = run([carbo()], { anc: anc(0.4, { date: daysAgo(10) }) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'missing' });
    });

    it('platelets missing alone → warning asking for a blood count', () => {
      const rec = run([carbo()], { platelets: NONE });
      expect(rec?.values.headline).toBe('no blood count from the last 7 days');
    });
  });

  describe('platinum: creatinine; cisplatin: magnesium and potassium', () => {
    it.each([
      [7, null],
      [8, 'warning'],
    ] as const)('carboplatin with creatinine %s days old → %s', (days, indicator) => {
      const renal = { ...dosingPicture().renal, creatinine: lab(1.0, 'mg/dL', { date: daysAgo(days) }) };
      const rec = run([carbo()], {}, { renal });
      expect(rec?.indicator ?? null).toBe(indicator);
      if (rec) expect(orderTexts(rec)).toEqual(['Serum creatinine']);
    });

    it('etoposide alone does not need a creatinine', () => {
      const renal = { ...dosingPicture().renal, creatinine: NONE };
      expect(run([chemo('etoposide', [100, 'mg/m2'])], {}, { renal })).toBeNull();
    });

    it('cisplatin with magnesium/potassium not in the picture: no card on that alone', () => {
      expect(run([chemo('cisplatin', [75, 'mg/m2'])])).toBeNull();
    });

    it('cisplatin with another finding: the card says magnesium and potassium were not available to check', () => {
      const rec = run([chemo('cisplatin', [75, 'mg/m2'])], { anc: anc(1.2) });
      expect(renderRecommendation(rec!).detail).toContain('magnesium and potassium not available to check');
    });

    it('cisplatin with magnesium recorded but old and potassium missing → magnesium/potassium ordered', () => {
      const rec = run([chemo('cisplatin', [75, 'mg/m2'])], { magnesium: lab(1.9, 'mg/dL', { date: daysAgo(30) }), potassium: NONE });
      expect(rec?.indicator).toBe('warning');
      expect(orderTexts(rec)).toEqual(['Serum magnesium and potassium']);
      expect(rec?.values.electrolytesNote).toBe('');
    });

    it('carboplatin does not need magnesium/potassium', () => {
      expect(run([carbo()], { magnesium: NONE, potassium: NONE })).toBeNull();
    });
  });

  describe('liver tests: taxanes, or any cytotoxic with liver metastases', () => {
    const noLiver: Labs = { ast: NONE, alt: NONE, bilirubin: NONE, alp: NONE };

    it('docetaxel without liver tests → warning, liver panel ordered', () => {
      const rec = run([chemo('docetaxel', [75, 'mg/m2'])], noLiver);
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'missing' });
      expect(orderTexts(rec)).toEqual(['Liver panel: AST, ALT, total bilirubin, alkaline phosphatase']);
      expect(rec?.values.findings).toContain('docetaxel is cleared by the liver');
    });

    it('etoposide without liver tests and no liver metastases → no card', () => {
      expect(run([chemo('etoposide', [100, 'mg/m2'])], noLiver)).toBeNull();
    });

    it('etoposide without liver tests with liver metastases → warning citing the metastasis', () => {
      const rec = run([chemo('etoposide', [100, 'mg/m2'])], noLiver, { metastases: [liverMetastasis()] });
      expect(rec?.indicator).toBe('warning');
      expect(rec?.values.findings).toContain('liver metastases are on record');
      expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Liver metastasis', sources: ['Condition/liver-met'] }));
    });

    it.each([
      [7, null],
      [8, 'warning'],
    ] as const)('cabazitaxel with alkaline phosphatase %s days old → %s', (days, indicator) => {
      const rec = run([chemo('cabazitaxel', [20, 'mg/m2'])], { alp: lab(90, 'U/L', { referenceHigh: 120, date: daysAgo(days) }) });
      expect(rec?.indicator ?? null).toBe(indicator);
    });
  });

  describe('several missing panels: one suggestion with a text-only laboratory order for each', () => {
    it('carboplatin + docetaxel with nothing recorded', () => {
      const labs: Labs = { anc: NONE, platelets: NONE, ast: NONE, alt: NONE, bilirubin: NONE, alp: NONE };
      const renal = { ...dosingPicture().renal, creatinine: NONE };
      const rec = run([carbo(), chemo('docetaxel', [75, 'mg/m2'])], labs, { renal });
      expect(rec?.suggestions).toHaveLength(1);
      expect(orderTexts(rec)).toEqual([
        'Complete blood count with differential (absolute neutrophil count, platelets)',
        'Serum creatinine',
        'Liver panel: AST, ALT, total bilirubin, alkaline phosphatase',
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Labs needed before carboplatin and docetaxel: no blood count, creatinine and liver tests from the last 7 days');
      const created = card.suggestions?.[0]?.actions ?? [];
      expect(created).toHaveLength(3);
      for (const a of created) {
        expect(a).toMatchObject({
          type: 'create',
          resource: { resourceType: 'ServiceRequest', status: 'draft', intent: 'proposal', category: [{ text: 'laboratory' }] },
        });
        expect('resource' in a ? (a.resource as ServiceRequest).code?.coding : 'x').toBeUndefined();
      }
      expect(card.detail).toContain('verify before signing');
    });
  });

  describe('which drafts count', () => {
    it.each([
      'cisplatin',
      'carboplatin',
      'etoposide',
      'docetaxel',
      'cabazitaxel',
      'topotecan',
      'irinotecan',
      'oxaliplatin',
      'fluorouracil',
      'capecitabine',
      'temozolomide',
      'lurbinectedin',
      'radium-223',
    ])('%s without a blood count → warning', (drug) => {
      expect(run([chemo(drug)], { anc: NONE, platelets: NONE })?.indicator).toBe('warning');
    });

    it.each(['leucovorin', 'leuprolide', 'axitinib'])('%s (not cytotoxic) → no card', (drug) => {
      expect(run([chemo(drug)], { anc: NONE, platelets: NONE })).toBeNull();
    });

    it('a cytotoxic draft out of scope → no card', () => {
      expect(run([chemo('carboplatin', [550, 'mg'], { inScope: false })], { anc: NONE, platelets: NONE })).toBeNull();
    });
  });
});
