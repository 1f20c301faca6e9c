import { describe, expect, it } from 'vitest';
import { stopVegfTkiSmallCell } from '../../../src/engine/rules/stop-vegf-tki-small-cell.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, picture, prostateCancer, seed000, smallCell } from '../builders.js';
import { activeRequest, med, medDraft, renalCellCarcinoma } from './nepc-builders.js';

const rule = stopVegfTkiSmallCell;

describe('stop-vegf-tki-small-cell', () => {
  describe('patient-view (current VEGF tyrosine kinase inhibitor)', () => {
    it('fires on the seed 000 picture: warning "Discontinue axitinib", stop suggestion updating its request', () => {
      const rec = rule.evaluate(seed000(), ctx());
      expect(rec).toMatchObject({
        ruleId: 'stop-vegf-tki-small-cell',
        indicator: 'warning',
        variant: 'nec',
        values: { drug: 'axitinib', histologyName: 'small cell carcinoma' },
        suggestions: [{ labelKey: 'stop', isRecommended: true, actions: [{ kind: 'stop-therapy', ref: 'MedicationRequest/axitinib' }] }],
      });
      const card = renderRecommendation(rec!, { 'MedicationRequest/axitinib': activeRequest('axitinib') });
      expect(card.summary).toBe('Discontinue axitinib — not indicated for small cell carcinoma');
      expect(card.indicator).toBe('warning');
      expect(card.source.topic.code).toBe('stop-vegf-tki-small-cell');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.detail).toContain('Practice varies');
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({ type: 'update', resource: { resourceType: 'MedicationRequest', status: 'stopped' } });
      expect(card.overrideReasons?.map((r) => r.display)).toContain('Prescribed for another cancer');
    });

    it('cites the histology and the drug with dates and sources', () => {
      expect(rule.evaluate(seed000(), ctx())?.facts).toEqual([
        { label: 'Histology (liver specimen)', value: 'Metastatic small cell carcinoma to liver', date: '2026-10-14', sources: ['DiagnosticReport/bx'] },
        { label: 'Current VEGF tyrosine kinase inhibitor', value: 'axitinib (as ordered)', date: '2026-08-20', sources: ['MedicationRequest/axitinib'] },
      ]);
    });

    it.each(['axitinib', 'sunitinib', 'cabozantinib', 'pazopanib'])('fires for %s (class VEGF-TKI)', (drug) => {
      const rec = rule.evaluate(seed000({ therapies: [med(drug)] }), ctx());
      expect(rec).toMatchObject({ indicator: 'warning', values: { drug } });
    });

    it('any origin: small cell lung cancer on axitinib fires too', () => {
      const p = picture({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung' })], therapies: [med('axitinib')] });
      expect(rule.evaluate(p, ctx())?.indicator).toBe('warning');
    });

    it.each([
      ['large-cell-nec', 'neuroendocrine carcinoma'],
      ['nec-poorly-differentiated', 'neuroendocrine carcinoma'],
      ['small-cell', 'small cell carcinoma'],
    ] as const)('%s histology → fires, naming %s', (histologyClass, name) => {
      const rec = rule.evaluate(seed000({ histology: [smallCell({ histologyClass })] }), ctx());
      expect(rec?.values.histologyName).toBe(name);
      expect(renderRecommendation(rec!, { 'MedicationRequest/axitinib': activeRequest('axitinib') }).summary).toBe(
        `Discontinue axitinib — not indicated for ${name}`,
      );
    });

    it('renal cell carcinoma on record → info, suggestion not recommended, summary names renal cell carcinoma', () => {
      const rec = rule.evaluate(seed000({ cancers: [prostateCancer(), renalCellCarcinoma()] }), ctx());
      expect(rec).toMatchObject({
        indicator: 'info',
        variant: 'other-cancer',
        values: { otherCancer: 'renal cell carcinoma' },
        suggestions: [{ isRecommended: false }],
      });
      expect(rec?.facts).toContainEqual({
        label: 'Other cancer on record',
        value: 'Renal cell carcinoma of left kidney',
        date: '2024-03-01',
        sources: ['Condition/rcc'],
      });
      const card = renderRecommendation(rec!, { 'MedicationRequest/axitinib': activeRequest('axitinib') });
      expect(card.summary).toBe('Axitinib does not treat small cell carcinoma: if given for renal cell carcinoma, consider pausing during chemotherapy');
    });

    it('another (non-renal) cancer outside NEC sites → info naming "another cancer"', () => {
      const rec = rule.evaluate(
        seed000({ cancers: [prostateCancer(), renalCellCarcinoma({ display: 'Hepatocellular carcinoma', sources: ['Condition/hcc'] })] }),
        ctx(),
      );
      expect(rec).toMatchObject({ indicator: 'info', values: { otherCancer: 'another cancer' } });
    });

    it('an "other"-site cancer that is itself the small cell carcinoma (bladder) is not another cancer → warning', () => {
      const bladder = renalCellCarcinoma({ display: 'Small cell carcinoma of urinary bladder', sources: ['Condition/bladder'] });
      expect(rule.evaluate(picture({ cancers: [bladder], histology: [smallCell()], therapies: [med('axitinib')] }), ctx())?.indicator).toBe('warning');
      const sameSource = renalCellCarcinoma({ display: 'Malignant neoplasm of bladder', sources: ['DiagnosticReport/bx'] });
      expect(rule.evaluate(picture({ cancers: [sameSource], histology: [smallCell()], therapies: [med('axitinib')] }), ctx())?.indicator).toBe('warning');
    });

    it('a lung primary is a NEC site, not "another cancer" → warning', () => {
      expect(rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()] }), ctx())?.indicator).toBe('warning');
    });

    it('two VEGF-TKIs with renal cell carcinoma: plural wording, summary under 140 characters', () => {
      const rec = rule.evaluate(
        seed000({
          cancers: [prostateCancer(), renalCellCarcinoma()],
          histology: [smallCell({ histologyClass: 'large-cell-nec' })],
          therapies: [med('cabozantinib'), med('pazopanib')],
        }),
        ctx(),
      );
      expect(rec?.values).toMatchObject({ does: 'do', it: 'they are' });
      const card = renderRecommendation(rec!, {
        'MedicationRequest/cabozantinib': activeRequest('cabozantinib'),
        'MedicationRequest/pazopanib': activeRequest('pazopanib'),
      });
      expect(card.summary).toBe(
        'Cabozantinib and pazopanib do not treat neuroendocrine carcinoma: if given for renal cell carcinoma, consider pausing during chemotherapy',
      );
    });

    it('two VEGF-TKIs: one card naming both, one suggestion stopping each', () => {
      const rec = rule.evaluate(seed000({ therapies: [med('axitinib'), med('cabozantinib')] }), ctx());
      expect(rec?.values.drug).toBe('axitinib and cabozantinib');
      expect(rec?.suggestions[0]?.actions).toHaveLength(2);
    });

    it('known only from a statement → card without a stop suggestion', () => {
      const rec = rule.evaluate(seed000({ therapies: [med('axitinib', { kind: 'statement', ref: 'MedicationStatement/ax' })] }), ctx());
      expect(rec?.indicator).toBe('warning');
      expect(rec?.suggestions).toEqual([]);
    });
  });

  describe('near misses', () => {
    it('past axitinib → no card', () => {
      expect(rule.evaluate(seed000({ therapies: [med('axitinib', { status: 'past' })] }), ctx())).toBeNull();
    });

    it('small cell with leuprolide only (no VEGF-TKI) → no card', () => {
      expect(rule.evaluate(seed000({ therapies: [med('leuprolide')] }), ctx())).toBeNull();
    });

    it.each(['adenocarcinoma', 'net-well-differentiated', 'neuroendocrine-unspecified', 'minen'] as const)(
      '%s histology (not small cell / NEC) on axitinib → no card',
      (histologyClass) => {
        expect(rule.evaluate(seed000({ histology: [smallCell({ histologyClass, display: histologyClass })] }), ctx())).toBeNull();
      },
    );

    it('no histology at all → no card', () => {
      expect(rule.evaluate(seed000({ histology: [] }), ctx())).toBeNull();
    });

    it('small cell finding that belongs to a Merkel cell carcinoma is not NEC → no card', () => {
      const merkel = { primarySite: 'merkel' as const, display: 'Merkel cell carcinoma', date: '2025-01-01', sources: ['DiagnosticReport/bx'] };
      expect(rule.evaluate(picture({ cancers: [merkel], histology: [smallCell()], therapies: [med('axitinib')] }), ctx())).toBeNull();
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (VEGF-TKI ordered)', (hook) => {
    it('fires on an axitinib draft in scope: warning, remove suggestion', () => {
      const rec = rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('axitinib')] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'warning',
        suggestions: [{ labelKey: 'remove', isRecommended: true, actions: [{ kind: 'remove-draft', ref: 'MedicationRequest/draft-axitinib' }] }],
      });
      const card = renderRecommendation(rec!);
      expect(card.suggestions?.[0]).toMatchObject({
        label: 'Remove the axitinib order',
        actions: [{ type: 'delete', resourceId: 'MedicationRequest/draft-axitinib' }],
      });
    });

    it('the order reason names renal cell carcinoma → info', () => {
      const rec = rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('axitinib', { reason: 'Metastatic clear cell RCC' })] }), ctx(hook));
      expect(rec).toMatchObject({ indicator: 'info', values: { otherCancer: 'renal cell carcinoma' }, suggestions: [{ isRecommended: false }] });
      expect(rec?.facts).toContainEqual({
        label: 'VEGF tyrosine kinase inhibitor being ordered',
        value: 'axitinib draft (reason: Metastatic clear cell RCC)',
        sources: ['MedicationRequest/draft-axitinib'],
      });
    });

    it('an order reason that names no other cancer stays a warning', () => {
      expect(
        rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('axitinib', { reason: 'small cell carcinoma, progression' })] }), ctx(hook))?.indicator,
      ).toBe('warning');
    });

    it('sunitinib draft fires (VEGF-TKI class)', () => {
      expect(rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('sunitinib')] }), ctx(hook))?.values.drug).toBe('sunitinib');
    });

    it('draft out of scope → no card', () => {
      expect(rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('axitinib', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('current axitinib but no VEGF-TKI being ordered → no card on order hooks', () => {
      expect(rule.evaluate(seed000({ draftOrders: [medDraft('leuprolide')] }), ctx(hook))).toBeNull();
    });

    it('no small cell / NEC histology → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer()], draftOrders: [medDraft('axitinib')] }), ctx(hook))).toBeNull();
    });
  });

  it('runs on patient-view, order-select and order-sign', () => {
    expect([...rule.hooks].sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
  });
});
