import type { ServiceRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { DraftOrder, PatientPicture } from '../../../src/engine/picture.js';
import { hepaticDoseCheck } from '../../../src/engine/rules/hepatic-dose-check.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE } from '../builders.js';
import { bsa, chemo, daysAgo, dosingPicture, draftResource, lab, normalLabs } from './dosing-builders.js';

// Upper limits of normal in normalLabs(): bilirubin 1.2 mg/dL, AST 40 U/L, ALT 40 U/L, alkaline phosphatase 120 U/L.
type Labs = Partial<PatientPicture['labs']>;
const bili = (value: number, overrides = {}) => lab(value, 'mg/dL', { referenceHigh: 1.2, sources: ['Observation/bili'], ...overrides });
const ast = (value: number) => lab(value, 'U/L', { referenceHigh: 40, sources: ['Observation/ast'] });
const alt = (value: number) => lab(value, 'U/L', { referenceHigh: 40, sources: ['Observation/alt'] });
const alp = (value: number) => lab(value, 'U/L', { referenceHigh: 120, sources: ['Observation/alp'] });

const sign = ctx('order-sign');
const run = (drafts: DraftOrder[], labs: Labs = {}, overrides: Partial<PatientPicture> = {}, c = sign) =>
  hepaticDoseCheck.evaluate(dosingPicture({ labs: { ...normalLabs(), ...labs }, draftOrders: drafts, ...overrides }), c);
const doce = () => chemo('docetaxel', [75, 'mg/m2']);
const caba = (dose: [number, string] | undefined = [25, 'mg/m2']) => chemo('cabazitaxel', dose);
const noLiverTests: Labs = { ast: NONE, alt: NONE, bilirubin: NONE, alp: NONE };

describe('hepatic-dose-check', () => {
  it('runs on order-select and order-sign, not on patient-view', () => {
    expect(hepaticDoseCheck.hooks).toEqual(['order-select', 'order-sign']);
  });

  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('docetaxel with bilirubin above the upper limit of normal → critical', () => {
      const rec = run([doce()], { bilirubin: bili(1.5) }, {}, ctx(hook));
      expect(rec).toMatchObject({ ruleId: 'hepatic-dose-check', indicator: 'critical', variant: 'avoid', suggestions: [] });
      expect(rec?.facts).toContainEqual({
        label: 'Bilirubin',
        value: '1.5 mg/dL (upper limit of normal 1.2 mg/dL)',
        date: daysAgo(3),
        sources: ['Observation/bili'],
      });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Avoid docetaxel: bilirubin 1.5 mg/dL is above the upper limit of normal');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.overrideReasons?.length).toBeGreaterThan(0);
    });

    it('a draft out of scope does not fire', () => {
      expect(run([chemo('docetaxel', [75, 'mg/m2'], { inScope: false })], { bilirubin: bili(1.5) }, {}, ctx(hook))).toBeNull();
    });
  });

  describe('docetaxel (boxed warning)', () => {
    it.each([
      [1.2, null],
      [1.21, 'critical'],
    ] as const)('bilirubin %s mg/dL (ULN 1.2) → %s', (value, indicator) => {
      expect(run([doce()], { bilirubin: bili(value) })?.indicator ?? null).toBe(indicator);
    });

    it.each([
      ['AST 60 (1.5 ×) with ALP 301', { ast: ast(60), alp: alp(301) }, null],
      ['AST 61 with ALP 301', { ast: ast(61), alp: alp(301) }, 'critical'],
      ['AST 61 with ALP 300 (2.5 ×)', { ast: ast(61), alp: alp(300) }, null],
      ['ALT 61 with ALP 301', { alt: alt(61), alp: alp(301) }, 'critical'],
      ['AST 200 with normal ALP', { ast: ast(200) }, null],
      ['ALP 500 with normal transaminases', { alp: alp(500) }, null],
    ] as const)('%s → %s', (_name, labs, indicator) => {
      expect(run([doce()], labs)?.indicator ?? null).toBe(indicator);
    });

    it('transaminases with alkaline phosphatase: summary names them and the facts cite them', () => {
      const rec = run([doce()], { ast: ast(80), alt: alt(90), alp: alp(400) });
      expect(renderRecommendation(rec!).summary).toBe(
        'Avoid docetaxel: AST and ALT above 1.5 × and alkaline phosphatase above 2.5 × the upper limit of normal',
      );
      expect(rec?.facts.map((f) => f.label)).toEqual(['docetaxel being ordered', 'AST', 'ALT', 'Alkaline phosphatase']);
    });

    it('bilirubin above ULN fires critical even when the other tests are missing', () => {
      expect(run([doce()], { ...noLiverTests, bilirubin: bili(2) })?.indicator).toBe('critical');
    });

    it('no liver tests → warning with a text-only laboratory ServiceRequest for a liver panel', () => {
      const rec = run([doce()], noLiverTests);
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'unchecked' });
      expect(rec?.suggestions).toEqual([
        {
          labelKey: 'liverPanel',
          isRecommended: true,
          actions: [
            {
              kind: 'propose-service',
              order: expect.objectContaining({ text: 'Liver panel: AST, ALT, total bilirubin, alkaline phosphatase', category: 'laboratory' }),
            },
          ],
        },
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Check liver tests before docetaxel: no bilirubin, AST, ALT and alkaline phosphatase from the last 7 days');
      const created = card.suggestions?.[0]?.actions[0];
      expect(created).toMatchObject({
        type: 'create',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'draft',
          intent: 'proposal',
          code: { text: 'Liver panel: AST, ALT, total bilirubin, alkaline phosphatase' },
        },
      });
      expect(created && 'resource' in created ? (created.resource as ServiceRequest).code?.coding : 'x').toBeUndefined();
    });

    it.each([
      [7, null],
      [8, 'warning'],
    ] as const)('bilirubin %s days old (normal value) → %s', (days, indicator) => {
      const rec = run([doce()], { bilirubin: bili(0.8, { date: daysAgo(days) }) });
      expect(rec?.indicator ?? null).toBe(indicator);
      if (rec) expect(rec.values.findings).toContain(`bilirubin 0.8 mg/dL on ${daysAgo(8)} (older than 7 days)`);
    });

    it('a high bilirubin older than 7 days is not used for the critical band: warning asking for a new test', () => {
      const rec = run([doce()], { bilirubin: bili(3, { date: daysAgo(20) }) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'unchecked' });
    });

    it('bilirubin without an upper limit of normal: not graded (no default), warning says so, no panel re-ordered', () => {
      const rec = run([doce()], { bilirubin: lab(2.5, 'mg/dL', { sources: ['Observation/bili'] }) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'unchecked', suggestions: [] });
      expect(rec?.values.findings).toContain('the lab did not report an upper limit of normal, so it cannot be graded');
      expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Bilirubin', value: '2.5 mg/dL (upper limit of normal not reported)' }));
      expect(renderRecommendation(rec!).summary).toBe('Check liver tests before docetaxel: no upper limit of normal reported for bilirubin');
    });

    it('ALT missing but AST and alkaline phosphatase normal: the combined criterion is decided → no card', () => {
      expect(run([doce()], { alt: NONE })).toBeNull();
    });

    it('ALT missing with a high alkaline phosphatase: undecided → warning naming ALT', () => {
      const rec = run([doce()], { alt: NONE, alp: alp(400) });
      expect(rec?.variant).toBe('unchecked');
      expect(rec?.values.headline).toBe('no ALT from the last 7 days');
    });
  });

  describe('cabazitaxel (label: hepatic impairment)', () => {
    it.each([
      [1.2, null, undefined],
      [1.21, 'warning', 20],
      [1.8, 'warning', 20],
      [1.81, 'warning', 15],
      [3.6, 'warning', 15],
      [3.61, 'critical', undefined],
    ] as const)('bilirubin %s mg/dL (ULN 1.2) → %s, dose %s mg/m²', (value, indicator, target) => {
      const rec = run([caba()], { bilirubin: bili(value) });
      expect(rec?.indicator ?? null).toBe(indicator);
      if (target) expect(rec?.suggestions[0]?.actions[0]).toMatchObject({ kind: 'set-draft-dose', dose: { value: target, unit: 'mg/m2' } });
    });

    it.each([
      [60, null],
      [61, 'warning'],
    ] as const)('AST %s U/L (ULN 40) with normal bilirubin → %s', (value, indicator) => {
      expect(run([caba()], { ast: ast(value) })?.indicator ?? null).toBe(indicator);
    });

    it('ALT alone does not grade cabazitaxel impairment', () => {
      expect(run([caba()], { alt: alt(200) })).toBeNull();
    });

    it('moderate impairment: warning, summary and update of the draft to 15 mg/m²', () => {
      const d = caba();
      const rec = run([d], { bilirubin: bili(2.4) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'reduce', values: { target: '15' } });
      const card = renderRecommendation(rec!, { [d.ref]: draftResource(d) });
      expect(card.summary).toBe('Reduce cabazitaxel to 15 mg/m²: moderate hepatic impairment (bilirubin 2 × the upper limit of normal)');
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
        type: 'update',
        resource: { dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 15, unit: 'mg/m2' } }] }] },
      });
      expect(card.detail).toContain('Verify before signing');
    });

    it('severe impairment → critical, no dose proposed', () => {
      const rec = run([caba()], { bilirubin: bili(4) });
      expect(rec).toMatchObject({ indicator: 'critical', variant: 'avoid', suggestions: [] });
      expect(renderRecommendation(rec!).summary).toBe('Avoid cabazitaxel: bilirubin is more than 3 × the upper limit of normal (severe hepatic impairment)');
    });

    it('already at the reduced dose → no card', () => {
      expect(run([caba([20, 'mg/m2'])], { bilirubin: bili(1.4) })).toBeNull();
      expect(run([caba([15, 'mg/m2'])], { bilirubin: bili(2.4) })).toBeNull();
      expect(run([caba([40, 'mg'])], { bilirubin: bili(1.4) })).toBeNull();
    });

    it('dose in mg: reduced through the body surface area (20 mg/m² × 2.00 m² = 40 mg)', () => {
      const rec = run([caba([50, 'mg'])], { bilirubin: bili(1.4) });
      expect(rec?.suggestions[0]?.actions[0]).toMatchObject({ kind: 'set-draft-dose', dose: { value: 40, unit: 'mg' } });
    });

    it('dose in mg with a body surface area older than 7 days: warning, no dose proposed, says why', () => {
      const rec = run([caba([50, 'mg'])], { bilirubin: bili(1.4) }, { bsa: bsa(2.0, { date: daysAgo(8) }) });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'reduce', suggestions: [] });
      expect(rec?.values.doseNote).toContain(`body surface area 2.00 m² on ${daysAgo(8)} (older than 7 days)`);
    });

    it('a draft without a dose gets the labelled dose in mg/m²', () => {
      const rec = run([caba(undefined)], { ast: ast(70) });
      expect(rec?.suggestions[0]?.actions[0]).toMatchObject({ dose: { value: 20, unit: 'mg/m2' } });
    });

    it('AST above 1.5 × with bilirubin missing: reduce to 20 at most, and order a liver panel (both suggestions, "any")', () => {
      const rec = run([caba()], { ast: ast(70), bilirubin: NONE });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'reduce', selectionBehavior: 'any' });
      expect(rec?.suggestions.map((s) => s.labelKey)).toEqual(['reduceDose', 'liverPanel']);
      expect(rec?.values.findings).toContain('the impairment may be worse');
      const d = caba();
      renderRecommendation(rec!, { [d.ref]: draftResource(d) });
    });

    it('bilirubin normal, AST missing → warning asking for it', () => {
      const rec = run([caba()], { ast: NONE });
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'unchecked' });
      expect(rec?.values.headline).toBe('no AST from the last 7 days');
    });
  });

  describe('near misses and several drugs', () => {
    it('normal liver tests → no card for either taxane', () => {
      expect(run([doce(), caba()])).toBeNull();
    });

    it('other chemotherapy drafted with abnormal liver tests → no card', () => {
      expect(run([chemo('cisplatin', [75, 'mg/m2']), chemo('etoposide', [100, 'mg/m2'])], { bilirubin: bili(4) })).toBeNull();
    });

    it('docetaxel critical and cabazitaxel reduce → one critical card naming both findings', () => {
      const rec = run([doce(), caba()], { bilirubin: bili(1.4) });
      expect(rec).toMatchObject({ indicator: 'critical', values: { drug: 'docetaxel' } });
      expect(rec?.values.findings?.split('\n')).toHaveLength(2);
      expect(rec?.suggestions.map((s) => s.labelKey)).toEqual(['reduceDose']);
    });
  });
});
