import { describe, expect, it } from 'vitest';
import { psaUnreliableNepc } from '../../../src/engine/rules/psa-unreliable-nepc.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, picture, prostateCancer, seed000, smallCell } from '../builders.js';
import { daysAgo, procedure, psa, serviceDraft } from './nepc-builders.js';

const rule = psaUnreliableNepc;
const ct = (days: number | undefined, overrides = {}) =>
  procedure('ct-chest-abdomen-pelvis', 'imaging', days === undefined ? undefined : daysAgo(days), overrides);
const psaOrder = (overrides = {}) => serviceDraft('psa-test-order', { asRecorded: 'PSA, total', ...overrides });

describe('psa-unreliable-nepc', () => {
  describe('patient-view', () => {
    it('NEPC → info, no suggestion, cites the latest PSA with its date', () => {
      const rec = rule.evaluate(seed000({ psa: [psa(0.4, '2026-11-01'), psa(2.1, '2026-06-01')] }), ctx());
      expect(rec).toMatchObject({ ruleId: 'psa-unreliable-nepc', indicator: 'info', variant: 'pure', suggestions: [] });
      expect(rec?.facts).toContainEqual({ label: 'Latest PSA', value: '0.4 ng/mL', date: '2026-11-01', sources: ['Observation/psa-2026-11-01'] });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('PSA is unreliable in small cell prostate cancer: a low or falling PSA does not exclude progression');
      expect(card.detail).toContain('No CT chest, abdomen and pelvis is on record.');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.suggestions).toBeUndefined();
    });

    it('mixed histology → mixed wording', () => {
      const rec = rule.evaluate(seed000({ histology: [smallCell({ mixed: true })] }), ctx());
      expect(rec?.variant).toBe('mixed');
      expect(renderRecommendation(rec!).summary).toBe('PSA tracks only the adenocarcinoma part: a low or falling PSA does not exclude small cell progression');
    });

    it('PSA below a detection limit is cited with its comparator', () => {
      const rec = rule.evaluate(seed000({ psa: [psa(0.1, '2026-11-01', { comparator: '<' })] }), ctx());
      expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Latest PSA', value: '< 0.1 ng/mL' }));
    });

    it('neuron-specific enolase and chromogranin A on record are cited with their upper limits', () => {
      const nse = { value: 48, unit: 'ng/mL', referenceHigh: 16.3, date: '2026-10-20', sources: ['Observation/nse'] };
      const cga = { value: 90, unit: 'ng/mL', referenceHigh: 100, date: '2026-10-20', sources: ['Observation/cga'] };
      const rec = rule.evaluate(seed000({ markers: { nse, chromograninA: cga } }), ctx());
      expect(rec?.facts).toContainEqual({
        label: 'Neuron-specific enolase',
        value: '48 ng/mL (upper limit 16.3 ng/mL: raised)',
        date: '2026-10-20',
        sources: ['Observation/nse'],
      });
      expect(rec?.facts).toContainEqual({
        label: 'Chromogranin A',
        value: '90 ng/mL (upper limit 100 ng/mL)',
        date: '2026-10-20',
        sources: ['Observation/cga'],
      });
      expect(renderRecommendation(rec!).detail).toContain('proton-pump inhibitors');
    });

    it('a PSA test in the drafts is irrelevant on chart open: still no suggestion', () => {
      expect(rule.evaluate(seed000({ draftOrders: [psaOrder()] }), ctx())?.suggestions).toEqual([]);
    });
  });

  describe('near misses (any hook)', () => {
    it('prostate adenocarcinoma only → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer()] }), ctx())).toBeNull();
      expect(rule.evaluate(picture({ cancers: [prostateCancer()], draftOrders: [psaOrder()] }), ctx('order-sign'))).toBeNull();
    });

    it('origin uncertain (lung primary) → no card', () => {
      expect(rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()] }), ctx())).toBeNull();
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (PSA test ordered)', (hook) => {
    it('no CT on record → info proposing a CT chest/abdomen/pelvis draft; the PSA order is kept', () => {
      const rec = rule.evaluate(seed000({ draftOrders: [psaOrder()] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'info',
        suggestions: [
          {
            labelKey: 'add-ct',
            isRecommended: true,
            actions: [{ kind: 'propose-service', order: { procedure: 'ct-chest-abdomen-pelvis', category: 'imaging' } }],
          },
        ],
      });
      expect(rec?.suggestions.flatMap((s) => s.actions).some((a) => a.kind === 'remove-draft')).toBe(false);
      expect(rec?.facts).toContainEqual({ label: 'PSA test being ordered', value: 'PSA, total', sources: ['ServiceRequest/draft-psa-test-order'] });
      const card = renderRecommendation(rec!);
      expect(card.suggestions?.[0]?.label).toContain('keep the PSA order');
      expect(card.suggestions?.[0]?.actions).toHaveLength(1);
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
        type: 'create',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'draft',
          intent: 'proposal',
          code: { text: 'CT chest, abdomen and pelvis (RECIST 1.1 response assessment)' },
        },
      });
      expect(card.detail).toContain('verify before signing');
    });

    it.each([
      [63, false],
      [64, true],
    ])('CT done %i days ago (window 9 weeks = 63 days) → CT proposed: %s', (days, proposed) => {
      const rec = rule.evaluate(seed000({ draftOrders: [psaOrder()], procedures: [ct(days)] }), ctx(hook));
      expect(rec?.indicator).toBe('info');
      expect(rec?.suggestions.length).toBe(proposed ? 1 : 0);
      expect(rec?.values.ctStatus).toContain(`${days} days ago`);
    });

    it('the imaging window is a setting: 12 weeks makes a 64-day-old CT recent', () => {
      expect(rule.evaluate(seed000({ draftOrders: [psaOrder()], procedures: [ct(64)] }), ctx(hook, { recentImagingWeeks: 12 }))?.suggestions).toEqual([]);
    });

    it('a CT ordered (not yet done) within the window also counts', () => {
      expect(rule.evaluate(seed000({ draftOrders: [psaOrder()], procedures: [ct(10, { status: 'ordered' })] }), ctx(hook))?.suggestions).toEqual([]);
    });

    it('an undated CT is not counted as recent: CT proposed, the card says why', () => {
      const rec = rule.evaluate(seed000({ draftOrders: [psaOrder()], procedures: [ct(undefined)] }), ctx(hook));
      expect(rec?.suggestions).toHaveLength(1);
      expect(rec?.values.ctStatus).toBe('A CT chest, abdomen and pelvis is on record without a date: it cannot be counted as recent.');
    });

    it('a CT already in the drafts → no second CT proposed', () => {
      const drafts = [psaOrder(), serviceDraft('ct-chest-abdomen-pelvis', { inScope: false })];
      expect(rule.evaluate(seed000({ draftOrders: drafts }), ctx(hook))?.suggestions).toEqual([]);
    });

    it('other imaging (somatostatin receptor PET) does not count as the CT', () => {
      const rec = rule.evaluate(seed000({ draftOrders: [psaOrder()], procedures: [procedure('sstr-pet', 'imaging', daysAgo(5))] }), ctx(hook));
      expect(rec?.suggestions).toHaveLength(1);
    });

    it('PSA draft out of scope → no card', () => {
      expect(rule.evaluate(seed000({ draftOrders: [psaOrder({ inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('no PSA test ordered (another service) → no card', () => {
      expect(rule.evaluate(seed000({ draftOrders: [serviceDraft('liver-biopsy')] }), ctx(hook))).toBeNull();
    });
  });

  it('runs on patient-view, order-select and order-sign', () => {
    expect([...rule.hooks].sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
  });
});
