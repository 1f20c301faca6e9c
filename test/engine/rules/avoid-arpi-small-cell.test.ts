import { describe, expect, it } from 'vitest';
import { avoidArpiSmallCell } from '../../../src/engine/rules/avoid-arpi-small-cell.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, picture, prostateCancer, seed000, smallCell } from '../builders.js';
import { activeRequest, med, medDraft } from './nepc-builders.js';

const rule = avoidArpiSmallCell;
const onAbiraterone = (overrides = {}) => seed000({ therapies: [med('leuprolide'), med('abiraterone')], ...overrides });

describe('avoid-arpi-small-cell', () => {
  describe('patient-view (current androgen pathway inhibitor)', () => {
    it('pure small cell on abiraterone → warning, stop suggestion that also says to review its prednisone', () => {
      const rec = rule.evaluate(onAbiraterone(), ctx());
      expect(rec).toMatchObject({
        ruleId: 'avoid-arpi-small-cell',
        indicator: 'warning',
        variant: 'pure',
        values: { drug: 'abiraterone' },
        suggestions: [{ labelKey: 'stop', isRecommended: true, actions: [{ kind: 'stop-therapy', ref: 'MedicationRequest/abiraterone' }] }],
      });
      const card = renderRecommendation(rec!, { 'MedicationRequest/abiraterone': activeRequest('abiraterone') });
      expect(card.summary).toBe('Abiraterone has no expected benefit against the small cell component — consider stopping it');
      expect(card.suggestions?.[0]?.label).toBe('Stop abiraterone and review its prednisone (taper if long-term)');
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
        type: 'update',
        resource: { status: 'stopped', statusReason: { text: expect.stringContaining('Small cell') } },
      });
      expect(card.detail).toContain('review its prednisone');
      expect(card.detail).toContain('no glucocorticoid is on record here');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.overrideReasons?.map((r) => r.display)).toEqual(
        expect.arrayContaining(['Mixed histology with PSA response', 'Managed by treating oncologist']),
      );
    });

    it('cites prostate cancer, histology and the drug', () => {
      expect(rule.evaluate(onAbiraterone(), ctx())?.facts).toEqual([
        { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
        { label: 'Histology (liver specimen)', value: 'Metastatic small cell carcinoma to liver', date: '2026-10-14', sources: ['DiagnosticReport/bx'] },
        { label: 'Current androgen pathway inhibitor', value: 'abiraterone (as ordered)', date: '2026-08-20', sources: ['MedicationRequest/abiraterone'] },
      ]);
    });

    it('prednisone on record with abiraterone is cited and named in the detail', () => {
      const rec = rule.evaluate(onAbiraterone({ therapies: [med('abiraterone'), med('prednisone', { asRecorded: 'prednisone 5 mg twice daily' })] }), ctx());
      expect(rec?.facts).toContainEqual({
        label: 'Current glucocorticoid',
        value: 'prednisone 5 mg twice daily',
        date: '2026-08-20',
        sources: ['MedicationRequest/prednisone'],
      });
      expect(renderRecommendation(rec!, { 'MedicationRequest/abiraterone': activeRequest('abiraterone') }).detail).toContain(
        'prednisone 5 mg twice daily is on record',
      );
    });

    it('mixed histology → info, suggestion not recommended', () => {
      const rec = rule.evaluate(onAbiraterone({ histology: [smallCell({ mixed: true })] }), ctx());
      expect(rec).toMatchObject({ indicator: 'info', variant: 'mixed', suggestions: [{ isRecommended: false }] });
      expect(renderRecommendation(rec!, { 'MedicationRequest/abiraterone': activeRequest('abiraterone') }).summary).toBe(
        'Abiraterone will not control the small cell component — review it with the treating oncologist',
      );
    });

    it.each(['enzalutamide', 'apalutamide', 'darolutamide', 'bicalutamide'])('%s (ARPI / antiandrogen) fires, without the prednisone note', (drug) => {
      const rec = rule.evaluate(seed000({ therapies: [med(drug)] }), ctx());
      expect(rec).toMatchObject({ indicator: 'warning', values: { drug, steroidNote: '', steroidDetail: '' } });
      const card = renderRecommendation(rec!, { [`MedicationRequest/${drug}`]: activeRequest(drug) });
      expect(card.suggestions?.[0]?.label).toBe(`Stop ${drug}`);
      expect(card.detail).not.toContain('review its prednisone');
    });

    it('two agents: one card naming both, plural wording', () => {
      const rec = rule.evaluate(seed000({ therapies: [med('enzalutamide'), med('bicalutamide')] }), ctx());
      expect(rec?.values).toMatchObject({ drug: 'enzalutamide and bicalutamide', has: 'have' });
      expect(rec?.suggestions[0]?.actions).toHaveLength(2);
    });

    it('known only from a statement → card, no stop suggestion', () => {
      const rec = rule.evaluate(seed000({ therapies: [med('enzalutamide', { kind: 'statement' })] }), ctx());
      expect(rec?.indicator).toBe('warning');
      expect(rec?.suggestions).toEqual([]);
    });
  });

  describe('near misses', () => {
    it('past abiraterone → no card', () => {
      expect(rule.evaluate(seed000({ therapies: [med('abiraterone', { status: 'past' })] }), ctx())).toBeNull();
    });

    it('NEPC on leuprolide and axitinib only → no card', () => {
      expect(rule.evaluate(seed000(), ctx())).toBeNull();
    });

    it('prostate adenocarcinoma on abiraterone (no small cell) → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer()], therapies: [med('abiraterone')] }), ctx())).toBeNull();
    });

    it('origin uncertain (lung primary on record) → no card', () => {
      expect(rule.evaluate(onAbiraterone({ cancers: [prostateCancer(), lungCancer()] }), ctx())).toBeNull();
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (androgen pathway inhibitor ordered)', (hook) => {
    it('abiraterone draft in scope → warning, remove suggestion naming any prednisone ordered with it', () => {
      const rec = rule.evaluate(seed000({ therapies: [], draftOrders: [medDraft('abiraterone')] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'warning',
        suggestions: [{ labelKey: 'remove', isRecommended: true, actions: [{ kind: 'remove-draft', ref: 'MedicationRequest/draft-abiraterone' }] }],
      });
      const card = renderRecommendation(rec!);
      expect(card.suggestions?.[0]?.label).toBe('Remove the abiraterone order and any prednisone ordered with it');
      expect(card.suggestions?.[0]?.actions).toEqual([expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/draft-abiraterone' })]);
    });

    it('mixed histology → info, removal not recommended', () => {
      const rec = rule.evaluate(seed000({ histology: [smallCell({ mixed: true })], draftOrders: [medDraft('enzalutamide')] }), ctx(hook));
      expect(rec).toMatchObject({ indicator: 'info', suggestions: [{ isRecommended: false }] });
    });

    it('draft out of scope → no card', () => {
      expect(rule.evaluate(seed000({ draftOrders: [medDraft('abiraterone', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('current abiraterone but nothing androgen-related ordered → no card', () => {
      expect(rule.evaluate(onAbiraterone({ draftOrders: [medDraft('axitinib')] }), ctx(hook))).toBeNull();
    });

    it('no NEPC → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer()], draftOrders: [medDraft('abiraterone')] }), ctx(hook))).toBeNull();
    });
  });

  it('runs on patient-view, order-select and order-sign', () => {
    expect([...rule.hooks].sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
  });
});
