import { describe, expect, it } from 'vitest';
import type { MetastasisSite } from '../../../src/engine/picture.js';
import { radium223Visceral } from '../../../src/engine/rules/radium-223-visceral.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, picture, prostateCancer } from '../builders.js';
import { activeRequest, med, medDraft, metastasis } from './nepc-builders.js';

const rule = radium223Visceral;
const radium = () => med('radium-223', { asRecorded: 'Xofigo 55 kBq/kg IV every 4 weeks' });
/** Castration-resistant prostate cancer with bone and liver metastases on radium-223 (no small cell needed). */
const onRadium = (overrides = {}) =>
  picture({ cancers: [prostateCancer()], metastases: [metastasis('bone'), metastasis('liver')], therapies: [med('leuprolide'), radium()], ...overrides });
const resources = { 'MedicationRequest/radium-223': activeRequest('radium-223') };

describe('radium-223-visceral', () => {
  describe('patient-view (current radium-223)', () => {
    it('liver metastasis → warning naming the site, stop suggestion', () => {
      const rec = rule.evaluate(onRadium(), ctx());
      expect(rec).toMatchObject({
        ruleId: 'radium-223-visceral',
        indicator: 'warning',
        variant: 'visceral',
        values: { visceralSites: 'liver' },
        suggestions: [{ labelKey: 'stop', isRecommended: true, actions: [{ kind: 'stop-therapy', ref: 'MedicationRequest/radium-223' }] }],
      });
      const card = renderRecommendation(rec!, resources);
      expect(card.summary).toBe('Radium-223 is not indicated with visceral metastases (liver)');
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({ type: 'update', resource: { status: 'stopped' } });
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.detail).toContain('practice varies');
    });

    it('cites radium-223 and only the visceral metastases (not bone)', () => {
      expect(rule.evaluate(onRadium(), ctx())?.facts).toEqual([
        { label: 'Current radium-223', value: 'Xofigo 55 kBq/kg IV every 4 weeks', date: '2026-08-20', sources: ['MedicationRequest/radium-223'] },
        { label: 'Visceral metastasis (liver)', value: 'Secondary malignant neoplasm of liver', date: '2026-10-01', sources: ['Condition/met-liver'] },
      ]);
    });

    it.each<MetastasisSite>(['liver', 'lung', 'pleura', 'brain', 'adrenal', 'peritoneum'])('%s metastasis (visceral) → fires', (site) => {
      expect(rule.evaluate(onRadium({ metastases: [metastasis('bone'), metastasis(site)] }), ctx())?.values.visceralSites).toBe(site);
    });

    it.each<MetastasisSite>(['bone', 'lymph-node', 'other'])('%s metastasis only (not visceral) → no card', (site) => {
      expect(rule.evaluate(onRadium({ metastases: [metastasis(site)] }), ctx())).toBeNull();
    });

    it('abiraterone current too → critical (ERA 223), abiraterone and prednisone cited', () => {
      const rec = rule.evaluate(onRadium({ therapies: [radium(), med('abiraterone'), med('prednisone')] }), ctx());
      expect(rec).toMatchObject({ indicator: 'critical', variant: 'with-abiraterone' });
      expect(rec?.facts.map((f) => f.label)).toEqual(['Current radium-223', 'Visceral metastasis (liver)', 'Current abiraterone', 'Current glucocorticoid']);
      const card = renderRecommendation(rec!, resources);
      expect(card.summary).toBe('Stop radium-223: visceral metastases, and combined with abiraterone plus prednisone it increases fractures and deaths');
      expect(card.detail).toContain('ERA 223');
    });

    it('past abiraterone → warning, not critical', () => {
      expect(rule.evaluate(onRadium({ therapies: [radium(), med('abiraterone', { status: 'past' })] }), ctx())?.indicator).toBe('warning');
    });

    it('enzalutamide (another ARPI) does not make it critical', () => {
      expect(rule.evaluate(onRadium({ therapies: [radium(), med('enzalutamide')] }), ctx())?.indicator).toBe('warning');
    });

    it('radium-223 known from an administration → no stop suggestion, "do not give the next injection"', () => {
      const given = med('radium-223', { kind: 'administration', ref: 'MedicationAdministration/ra1', lastDate: '2026-11-02' });
      const rec = rule.evaluate(onRadium({ therapies: [given] }), ctx());
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.administrationNote).toBe('Radium-223 is recorded as given (last on 2026-11-02): do not give the next injection.');
      expect(renderRecommendation(rec!).detail).toContain('do not give the next injection');
    });

    it('several visceral sites are all named', () => {
      expect(rule.evaluate(onRadium({ metastases: [metastasis('liver'), metastasis('lung'), metastasis('adrenal')] }), ctx())?.values.visceralSites).toBe(
        'liver, lung and adrenal',
      );
    });
  });

  describe('near misses', () => {
    it('past radium-223 → no card', () => {
      expect(rule.evaluate(onRadium({ therapies: [med('radium-223', { status: 'past' })] }), ctx())).toBeNull();
    });

    it('visceral metastases without radium-223 → no card', () => {
      expect(rule.evaluate(onRadium({ therapies: [med('leuprolide'), med('abiraterone')] }), ctx())).toBeNull();
    });

    it('radium-223 with bone-only disease → no card (even with abiraterone)', () => {
      expect(rule.evaluate(onRadium({ metastases: [metastasis('bone')], therapies: [radium(), med('abiraterone')] }), ctx())).toBeNull();
    });

    it('no metastases on record → no card', () => {
      expect(rule.evaluate(onRadium({ metastases: [] }), ctx())).toBeNull();
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (radium-223 ordered)', (hook) => {
    it('radium-223 draft in scope with a lung metastasis → warning, remove suggestion', () => {
      const rec = rule.evaluate(onRadium({ therapies: [], metastases: [metastasis('lung')], draftOrders: [medDraft('radium-223')] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'warning',
        suggestions: [{ labelKey: 'remove', actions: [{ kind: 'remove-draft', ref: 'MedicationRequest/draft-radium-223' }] }],
      });
      const card = renderRecommendation(rec!);
      expect(card.suggestions?.[0]).toMatchObject({ label: 'Remove the radium-223 order', actions: [{ type: 'delete' }] });
      expect(card.overrideReasons?.length).toBeGreaterThan(0);
    });

    it('abiraterone current → critical', () => {
      expect(rule.evaluate(onRadium({ therapies: [med('abiraterone')], draftOrders: [medDraft('radium-223')] }), ctx(hook))?.indicator).toBe('critical');
    });

    it('abiraterone drafted alongside (even out of scope) → critical', () => {
      const drafts = [medDraft('radium-223'), medDraft('abiraterone', { inScope: false })];
      const rec = rule.evaluate(onRadium({ therapies: [], draftOrders: drafts }), ctx(hook));
      expect(rec?.indicator).toBe('critical');
      expect(rec?.facts).toContainEqual({ label: 'Abiraterone being ordered', value: 'abiraterone draft', sources: ['MedicationRequest/draft-abiraterone'] });
    });

    it('radium-223 draft out of scope → no card', () => {
      expect(rule.evaluate(onRadium({ therapies: [], draftOrders: [medDraft('radium-223', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('current radium-223 but no radium-223 being ordered → no card on order hooks', () => {
      expect(rule.evaluate(onRadium({ draftOrders: [medDraft('leuprolide')] }), ctx(hook))).toBeNull();
    });

    it('radium-223 draft with bone-only disease → no card', () => {
      expect(rule.evaluate(onRadium({ therapies: [], metastases: [metastasis('bone')], draftOrders: [medDraft('radium-223')] }), ctx(hook))).toBeNull();
    });
  });

  it('runs on patient-view, order-select and order-sign', () => {
    expect([...rule.hooks].sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
  });
});
