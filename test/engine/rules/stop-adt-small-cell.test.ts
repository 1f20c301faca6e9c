import { describe, expect, it } from 'vitest';
import { stopAdtSmallCell } from '../../../src/engine/rules/stop-adt-small-cell.js';
import { ctx, draft, lungCancer, picture, prostateCancer, seed000, smallCell, therapy } from '../builders.js';

describe('stop-adt-small-cell', () => {
  describe('patient-view (current ADT)', () => {
    it('fires on the seed 000 picture: warning naming leuprolide, stop suggestion on its request', () => {
      const rec = stopAdtSmallCell.evaluate(seed000(), ctx());
      expect(rec).toMatchObject({
        ruleId: 'stop-adt-small-cell',
        indicator: 'warning',
        variant: 'pure',
        values: { drug: 'leuprolide', drugAsRecorded: 'leuprolide (as ordered)' },
        suggestions: [{ labelKey: 'stop', isRecommended: true, actions: [{ kind: 'stop-therapy', ref: 'MedicationRequest/leuprolide' }] }],
      });
    });

    it('cites the facts that fired it, each with its date and source', () => {
      const rec = stopAdtSmallCell.evaluate(seed000(), ctx());
      expect(rec?.facts).toEqual([
        { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
        { label: 'Histology (liver specimen)', value: 'Metastatic small cell carcinoma to liver', date: '2026-10-14', sources: ['DiagnosticReport/bx'] },
        { label: 'Current androgen deprivation', value: 'leuprolide (as ordered)', date: '2026-08-20', sources: ['MedicationRequest/leuprolide'] },
      ]);
    });

    it('mixed histology → info, suggestion not recommended', () => {
      const rec = stopAdtSmallCell.evaluate(seed000({ histology: [smallCell({ mixed: true })] }), ctx());
      expect(rec).toMatchObject({ indicator: 'info', variant: 'mixed', suggestions: [{ isRecommended: false }] });
    });

    it('names every current ADT drug in one card, one suggestion stopping each', () => {
      const rec = stopAdtSmallCell.evaluate(seed000({ therapies: [therapy('leuprolide'), therapy('degarelix')] }), ctx());
      expect(rec?.values.drug).toBe('leuprolide and degarelix');
      expect(rec?.suggestions).toHaveLength(1);
      expect(rec?.suggestions[0]?.actions.map((a) => ('ref' in a ? a.ref : undefined))).toEqual([
        'MedicationRequest/leuprolide',
        'MedicationRequest/degarelix',
      ]);
    });

    it('past ADT does not fire', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ therapies: [therapy('leuprolide', { status: 'past' })] }), ctx())).toBeNull();
    });

    it('a current non-ADT drug (axitinib) does not fire this rule', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ therapies: [therapy('axitinib')] }), ctx())).toBeNull();
    });

    it('ADT known only from a statement or administration → card without an update suggestion', () => {
      const rec = stopAdtSmallCell.evaluate(seed000({ therapies: [therapy('leuprolide', { kind: 'administration' })] }), ctx());
      expect(rec?.indicator).toBe('warning');
      expect(rec?.suggestions).toEqual([]);
    });
  });

  describe('near misses', () => {
    it('prostate adenocarcinoma on leuprolide, no small cell → no card', () => {
      expect(stopAdtSmallCell.evaluate(picture({ cancers: [prostateCancer()], therapies: [therapy('leuprolide')] }), ctx())).toBeNull();
    });

    it('small cell lung cancer, no prostate cancer, on ADT → no card', () => {
      const p = picture({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung' })], therapies: [therapy('leuprolide')] });
      expect(stopAdtSmallCell.evaluate(p, ctx())).toBeNull();
    });

    it('prostate cancer + small cell + a lung primary (origin uncertain) → no card', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()] }), ctx())).toBeNull();
    });

    it('NEPC without ADT → no card', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ therapies: [] }), ctx())).toBeNull();
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (ADT ordered)', (hook) => {
    it('fires on an ADT draft in scope, removing it', () => {
      const rec = stopAdtSmallCell.evaluate(seed000({ therapies: [], draftOrders: [draft('leuprolide')] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'warning',
        values: { drug: 'leuprolide' },
        suggestions: [{ labelKey: 'remove', isRecommended: true, actions: [{ kind: 'remove-draft', ref: 'MedicationRequest/draft-leuprolide' }] }],
      });
    });

    it('does not fire for current ADT when no ADT is being ordered', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ draftOrders: [draft('axitinib')] }), ctx(hook))).toBeNull();
    });

    it('does not fire for an ADT draft out of scope (not among selections)', () => {
      expect(stopAdtSmallCell.evaluate(seed000({ draftOrders: [draft('leuprolide', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('does not fire without NEPC', () => {
      expect(stopAdtSmallCell.evaluate(picture({ cancers: [prostateCancer()], draftOrders: [draft('leuprolide')] }), ctx(hook))).toBeNull();
    });
  });
});
