import { describe, expect, it } from 'vitest';
import { cisplatinRenalRisk } from '../../../src/engine/rules/cisplatin-renal-risk.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE } from '../builders.js';
import { chemo, daysAgo, dosingPicture, fact, gfr, lab } from './dosing-builders.js';

const renal = (value: number, overrides: Parameters<typeof gfr>[1] = {}) => ({
  creatinine: lab(1.0, 'mg/dL', { sources: ['Observation/creatinine'] }),
  egfr: NONE,
  crcl: gfr(value, overrides),
  gfrForDosing: gfr(value, overrides),
});

const cis = () => chemo('cisplatin', [75, 'mg/m2']);

describe('cisplatin-renal-risk', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('GFR 25 mL/min → critical, replace with carboplatin at the Calvert dose (AUC 5 × (25 + 25) = 250 mg)', () => {
      const rec = cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(25), draftOrders: [cis()] }), ctx(hook));
      expect(rec).toMatchObject({ ruleId: 'cisplatin-renal-risk', indicator: 'critical', variant: 'critical', values: { gfr: '25' } });
      expect(rec?.suggestions).toHaveLength(1);
      const [remove, propose] = rec?.suggestions[0]?.actions ?? [];
      expect(remove).toEqual({ kind: 'remove-draft', ref: 'MedicationRequest/draft-cisplatin' });
      expect(propose).toMatchObject({
        kind: 'propose-medication',
        order: { drug: 'carboplatin', dose: { value: 250, unit: 'mg' }, route: 'intravenous', cycle: { days: [1], lengthDays: 21 } },
      });
      expect(rec?.suggestions[0]?.isRecommended).toBe(true);

      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Avoid cisplatin: kidney function 25 mL/min is below 30 — use carboplatin or another plan');
      expect(card.detail).toContain('Dialysis');
      expect(card.detail).toContain('verify before signing');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.detail).toContain('Practice varies');
      const created = card.suggestions?.[0]?.actions.find((a) => a.type === 'create');
      expect(created).toMatchObject({ resource: { resourceType: 'MedicationRequest', status: 'draft', intent: 'proposal' } });
      expect(card.suggestions?.[0]?.actions.find((a) => a.type === 'delete')).toMatchObject({ resourceId: 'MedicationRequest/draft-cisplatin' });
      expect(card.overrideReasons?.length).toBeGreaterThan(0);
    });

    it('does not fire for a cisplatin draft out of scope, nor for carboplatin', () => {
      expect(
        cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(25), draftOrders: [chemo('cisplatin', [75, 'mg/m2'], { inScope: false })] }), ctx(hook)),
      ).toBeNull();
      expect(cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(25), draftOrders: [chemo('carboplatin', [500, 'mg'])] }), ctx(hook))).toBeNull();
    });
  });

  it('does not run on patient-view', () => {
    expect(cisplatinRenalRisk.hooks).toEqual(['order-select', 'order-sign']);
  });

  it.each([
    [29, 'critical'],
    [29.9, 'critical'],
    [30, 'warning'],
    [59, 'warning'],
    [59.9, 'warning'],
    [60, null],
    [85, null],
  ] as const)('GFR for dosing %s mL/min (age 64, no neuropathy) → %s', (value, indicator) => {
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(value), draftOrders: [cis()] }), ctx('order-sign'));
    expect(rec?.indicator ?? null).toBe(indicator);
  });

  it('GFR 45 → warning "prefer carboplatin" naming the reason, carboplatin AUC 5 × 70 = 350 mg', () => {
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(45), draftOrders: [cis()] }), ctx('order-sign'));
    expect(rec).toMatchObject({ indicator: 'warning', variant: 'warning' });
    expect(rec?.suggestions[0]?.actions[1]).toMatchObject({ order: { dose: { value: 350, unit: 'mg' } } });
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Prefer carboplatin over cisplatin: kidney function 45 mL/min (below 60)');
    expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'GFR for dosing (cockcroft-gault)', date: daysAgo(3) }));
  });

  it('uses the configured carboplatin AUC', () => {
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ renal: renal(45), draftOrders: [cis()] }), ctx('order-sign', { carboplatinAuc: 6 }));
    expect(rec?.suggestions[0]?.actions[1]).toMatchObject({ order: { dose: { value: 420, unit: 'mg' } } });
  });

  it('neuropathy with normal kidney function → warning, neuropathy cited', () => {
    const neuropathy = fact('Peripheral neuropathy', { date: '2026-06-01', sources: ['Condition/neuropathy'] });
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ neuropathy, draftOrders: [cis()] }), ctx('order-sign'));
    expect(rec).toMatchObject({ indicator: 'warning', values: { reasons: 'peripheral neuropathy' } });
    expect(rec?.facts).toContainEqual({
      label: 'Peripheral neuropathy',
      value: 'Peripheral neuropathy',
      date: '2026-06-01',
      sources: ['Condition/neuropathy'],
    });
    expect(renderRecommendation(rec!).summary).toBe('Prefer carboplatin over cisplatin: peripheral neuropathy');
  });

  it('GFR 50, neuropathy and age 75 → one warning naming all three', () => {
    const rec = cisplatinRenalRisk.evaluate(
      dosingPicture({ age: fact(75), renal: renal(50), neuropathy: fact('Peripheral neuropathy'), draftOrders: [cis()] }),
      ctx('order-sign'),
    );
    expect(rec?.values.reasons).toBe('kidney function 50 mL/min (below 60), peripheral neuropathy and age 75');
  });

  it.each([
    [69, null],
    [70, 'info'],
    [82, 'info'],
  ] as const)('age %s alone (GFR 85) → %s', (age, indicator) => {
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ age: fact(age), draftOrders: [cis()] }), ctx('order-sign'));
    expect(rec?.indicator ?? null).toBe(indicator);
  });

  it('age 70 alone → info "elderly", carboplatin offered but not recommended', () => {
    const rec = cisplatinRenalRisk.evaluate(dosingPicture({ age: fact(70), draftOrders: [cis()] }), ctx('order-sign'));
    expect(rec).toMatchObject({ variant: 'elderly', suggestions: [{ labelKey: 'replace', isRecommended: false }] });
    expect(renderRecommendation(rec!).summary).toBe('Cisplatin at age 70: carboplatin is usually better tolerated in older patients');
  });

  it('elderly age is configurable', () => {
    expect(cisplatinRenalRisk.evaluate(dosingPicture({ age: fact(72), draftOrders: [cis()] }), ctx('order-sign', { elderlyAge: 75 }))).toBeNull();
  });

  describe('replacement only with creatinine and weight at most 7 days old', () => {
    it.each([
      [7, true],
      [8, false],
    ])('creatinine %s days old → suggestion %s', (days, offered) => {
      const p = dosingPicture({
        renal: { ...renal(45), creatinine: lab(1.6, 'mg/dL', { date: daysAgo(days), sources: ['Observation/creatinine'] }) },
        draftOrders: [cis()],
      });
      const rec = cisplatinRenalRisk.evaluate(p, ctx('order-sign'));
      expect(rec?.indicator).toBe('warning');
      expect(rec?.suggestions.length).toBe(offered ? 1 : 0);
      if (!offered) expect(rec?.values.replaceNote).toContain(`serum creatinine 1.6 mg/dL on ${daysAgo(8)} (older than 7 days)`);
    });

    it.each([
      [7, true],
      [8, false],
    ])('weight %s days old → suggestion %s', (days, offered) => {
      const p = dosingPicture({ weight: fact(80, { date: daysAgo(days) }), renal: renal(45), draftOrders: [cis()] });
      const rec = cisplatinRenalRisk.evaluate(p, ctx('order-sign'));
      expect(rec?.suggestions.length).toBe(offered ? 1 : 0);
      if (!offered) expect(rec?.values.replaceNote).toContain('weight 80 kg on');
    });

    it('no weight recorded → card without suggestion, says weight is missing', () => {
      const rec = cisplatinRenalRisk.evaluate(dosingPicture({ weight: NONE, renal: renal(25), draftOrders: [cis()] }), ctx('order-sign'));
      expect(rec?.indicator).toBe('critical');
      expect(rec?.suggestions).toEqual([]);
      expect(renderRecommendation(rec!).detail).toContain('No carboplatin dose is proposed: weight: not recorded');
    });
  });

  describe('kidney function not known or not current', () => {
    it('no GFR for dosing (age 64, no neuropathy) → info asking for creatinine clearance, reason shown', () => {
      const p = dosingPicture({
        renal: { creatinine: NONE, egfr: NONE, crcl: NONE, gfrForDosing: { missing: true, reason: 'no serum creatinine' } },
        draftOrders: [cis()],
      });
      const rec = cisplatinRenalRisk.evaluate(p, ctx('order-sign'));
      expect(rec).toMatchObject({ indicator: 'info', variant: 'renal-not-current', suggestions: [] });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Cisplatin ordered without a current kidney function value — check creatinine clearance first');
      expect(card.detail).toContain('No GFR for dosing could be computed (no serum creatinine)');
    });

    it.each([
      [7, null],
      [8, 'info'],
    ] as const)('normal GFR whose inputs are %s days old → %s', (days, indicator) => {
      const p = dosingPicture({ renal: renal(85, { date: daysAgo(days) }), draftOrders: [cis()] });
      expect(cisplatinRenalRisk.evaluate(p, ctx('order-sign'))?.indicator ?? null).toBe(indicator);
    });

    it('a stale GFR below 30 still fires critical and says its date', () => {
      const p = dosingPicture({ renal: renal(25, { date: daysAgo(40) }), draftOrders: [cis()] });
      const rec = cisplatinRenalRisk.evaluate(p, ctx('order-sign'));
      expect(rec?.indicator).toBe('critical');
      expect(rec?.values.renalStatus).toContain(`25 mL/min on ${daysAgo(40)} (older than 7 days)`);
    });
  });
});
