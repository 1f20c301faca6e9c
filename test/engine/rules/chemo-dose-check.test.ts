import type { MedicationRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { DraftOrder } from '../../../src/engine/picture.js';
import { chemoDoseCheck } from '../../../src/engine/rules/chemo-dose-check.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE } from '../builders.js';
import { bsa, chemo, daysAgo, dosingPicture, draftResource, gfr } from './dosing-builders.js';

const sign = ctx('order-sign');
const check = (drafts: DraftOrder[], overrides: Parameters<typeof dosingPicture>[0] = {}, c = sign) =>
  chemoDoseCheck.evaluate(dosingPicture({ draftOrders: drafts, ...overrides }), c);
const resources = (...drafts: DraftOrder[]) => Object.fromEntries(drafts.map((d) => [d.ref, draftResource(d)]));

describe('chemo-dose-check', () => {
  it('runs on order-sign only', () => {
    expect(chemoDoseCheck.hooks).toEqual(['order-sign']);
  });

  describe('mg/m² doses, compared directly (exactly +10 % is not more than 10 %)', () => {
    it.each([
      // cisplatin 60–80 mg/m²
      ['cisplatin', 59, 'info'],
      ['cisplatin', 60, null],
      ['cisplatin', 80, null],
      ['cisplatin', 88, null],
      ['cisplatin', 88.1, 'warning'],
      ['cisplatin', 100, 'warning'],
      ['cisplatin', 100.1, 'critical'],
      // etoposide 80–120 mg/m²/day
      ['etoposide', 79, 'info'],
      ['etoposide', 120, null],
      ['etoposide', 132, null],
      ['etoposide', 133, 'warning'],
      ['etoposide', 150, 'warning'],
      ['etoposide', 151, 'critical'],
      // docetaxel 60–75 mg/m²
      ['docetaxel', 59, 'info'],
      ['docetaxel', 75, null],
      ['docetaxel', 82.5, null],
      ['docetaxel', 82.6, 'warning'],
      ['docetaxel', 93.75, 'warning'],
      ['docetaxel', 93.8, 'critical'],
      // cabazitaxel 20–25 mg/m²
      ['cabazitaxel', 19, 'info'],
      ['cabazitaxel', 20, null],
      ['cabazitaxel', 27.5, null],
      ['cabazitaxel', 27.6, 'warning'],
      ['cabazitaxel', 31.25, 'warning'],
      ['cabazitaxel', 31.3, 'critical'],
    ] as const)('%s %s mg/m² → %s', (drug, value, indicator) => {
      expect(check([chemo(drug, [value, 'mg/m2'])])?.indicator ?? null).toBe(indicator);
    });

    it('needs no body surface area: a stale BSA does not block an mg/m² check', () => {
      expect(check([chemo('cisplatin', [110, 'mg/m2'])], { bsa: bsa(2.0, { date: daysAgo(30) }) })?.indicator).toBe('critical');
    });
  });

  describe('mg doses, compared with the range × body surface area (2.0 m²)', () => {
    it.each([
      [119, 'info'],
      [120, null],
      [176, null],
      [177, 'warning'],
      [200, 'warning'],
      [201, 'critical'],
    ] as const)('cisplatin %s mg → %s', (value, indicator) => {
      expect(check([chemo('cisplatin', [value, 'mg'])])?.indicator ?? null).toBe(indicator);
    });

    it.each([
      [7, 'critical'],
      [8, 'info'],
    ] as const)('body surface area %s days old → %s', (days, indicator) => {
      const rec = check([chemo('cisplatin', [260, 'mg'])], { bsa: bsa(2.0, { date: daysAgo(days) }) });
      expect(rec?.indicator).toBe(indicator);
      if (indicator === 'info') {
        expect(rec?.variant).toBe('unchecked');
        expect(rec?.values.findings).toContain(`body surface area 2.00 m² on ${daysAgo(8)} (older than 7 days)`);
        expect(rec?.suggestions).toEqual([]);
      }
    });

    it('no body surface area → info naming why', () => {
      const rec = check([chemo('docetaxel', [150, 'mg'])], { bsa: { missing: true, reason: 'body surface area not computed: no height recorded' } });
      expect(rec).toMatchObject({ indicator: 'info', variant: 'unchecked' });
      expect(rec?.values.findings).toContain('no body surface area (body surface area not computed: no height recorded)');
      expect(renderRecommendation(rec!).summary).toBe('Docetaxel dose could not be checked against the usual range — an input is missing or not current');
    });

    it('an unknown unit is not guessed', () => {
      const rec = check([chemo('docetaxel', [0.15, 'g'])]);
      expect(rec).toMatchObject({ indicator: 'info', variant: 'unchecked' });
      expect(rec?.values.findings).toContain('dose unit "g" is neither mg nor mg/m²');
    });
  });

  describe('carboplatin by the Calvert formula (GFR 85 mL/min: AUC 4 = 440 mg, AUC 6 = 660 mg)', () => {
    it.each([
      [439, 'info'],
      [440, null],
      [660, null],
      [726, null],
      [727, 'warning'],
      [825, 'warning'],
      [826, 'critical'],
    ] as const)('carboplatin %s mg → %s', (value, indicator) => {
      expect(check([chemo('carboplatin', [value, 'mg'])])?.indicator ?? null).toBe(indicator);
    });

    it('caps the GFR at 125 mL/min (GFR 150: AUC 6 upper bound 900 mg)', () => {
      const renal = { creatinine: NONE, egfr: NONE, crcl: NONE, gfrForDosing: gfr(150) };
      expect(check([chemo('carboplatin', [990, 'mg'])], { renal })).toBeNull();
      expect(check([chemo('carboplatin', [991, 'mg'])], { renal })?.indicator).toBe('warning');
    });

    it('critical carboplatin: suggestion sets the draft to AUC 5 = 550 mg, update validates, GFR cited', () => {
      const d = chemo('carboplatin', [900, 'mg']);
      const rec = check([d]);
      expect(rec).toMatchObject({ indicator: 'critical', variant: 'critical', values: { drug: 'carboplatin' } });
      expect(rec?.suggestions).toEqual([
        {
          labelKey: 'setDose',
          isRecommended: true,
          actions: [
            { kind: 'set-draft-dose', ref: d.ref, dose: { value: 550, unit: 'mg' }, reason: expect.stringContaining('AUC 5 × (GFR 85 + 25) = 550 mg') },
          ],
        },
      ]);
      expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'GFR for dosing (cockcroft-gault)', date: daysAgo(3) }));
      const card = renderRecommendation(rec!, resources(d));
      expect(card.summary).toBe('Carboplatin dose is more than 25 % above the usual maximum — check the dose before signing');
      expect(card.suggestions?.[0]?.label).toBe('Set carboplatin to the standard dose');
      const update = card.suggestions?.[0]?.actions[0];
      expect(update?.type).toBe('update');
      expect(
        update && 'resource' in update ? (update.resource as MedicationRequest).dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value : undefined,
      ).toBe(550);
      expect(card.detail).toContain('Verify before signing');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    });

    it.each([
      [7, 'warning'],
      [8, 'info'],
    ] as const)('GFR inputs %s days old → %s', (days, indicator) => {
      const renal = { creatinine: NONE, egfr: NONE, crcl: NONE, gfrForDosing: gfr(85, { date: daysAgo(days) }) };
      const rec = check([chemo('carboplatin', [800, 'mg'])], { renal });
      expect(rec?.indicator).toBe(indicator);
      if (indicator === 'info') expect(rec?.values.findings).toContain(`GFR for dosing 85 mL/min on ${daysAgo(8)} (older than 7 days)`);
    });

    it('no GFR for dosing → info naming why', () => {
      const renal = { creatinine: NONE, egfr: NONE, crcl: NONE, gfrForDosing: { missing: true as const, reason: 'sex not male/female: no dose computed' } };
      const rec = check([chemo('carboplatin', [800, 'mg'])], { renal });
      expect(rec?.values.findings).toContain('no GFR for dosing (sex not male/female: no dose computed)');
    });

    it('carboplatin in mg/m² cannot be checked; ordered as AUC it is compared with 4–6', () => {
      expect(check([chemo('carboplatin', [300, 'mg/m2'])])?.variant).toBe('unchecked');
      expect(check([chemo('carboplatin', [6, 'AUC'])])).toBeNull();
      expect(check([chemo('carboplatin', [7, 'AUC'])])?.indicator).toBe('warning');
    });
  });

  describe('suggested doses: the platinum–etoposide defaults, docetaxel 75, cabazitaxel 25', () => {
    it.each([
      ['cisplatin', [110, 'mg/m2'], { value: 75, unit: 'mg/m2' }],
      ['cisplatin', [260, 'mg'], { value: 150, unit: 'mg' }],
      ['etoposide', [160, 'mg/m2'], { value: 100, unit: 'mg/m2' }],
      ['etoposide', [330, 'mg'], { value: 200, unit: 'mg' }],
      ['docetaxel', [100, 'mg/m2'], { value: 75, unit: 'mg/m2' }],
      ['cabazitaxel', [32, 'mg/m2'], { value: 25, unit: 'mg/m2' }],
    ] as const)('%s %j → %j', (drug, dose, expected) => {
      const d = chemo(drug, [dose[0], dose[1]]);
      const rec = check([d]);
      expect(rec?.suggestions[0]?.actions).toEqual([expect.objectContaining({ kind: 'set-draft-dose', ref: d.ref, dose: expected })]);
      renderRecommendation(rec!, resources(d));
    });

    it('uses the configured cisplatin dose', () => {
      const rec = check([chemo('cisplatin', [110, 'mg/m2'])], {}, ctx('order-sign', { cisplatinMgM2: 70 }));
      expect(rec?.suggestions[0]?.actions[0]).toMatchObject({ dose: { value: 70, unit: 'mg/m2' } });
    });

    it('below the range → info without a suggestion', () => {
      const rec = check([chemo('docetaxel', [50, 'mg/m2'])]);
      expect(rec).toMatchObject({ indicator: 'info', variant: 'below', suggestions: [] });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Docetaxel dose is below the usual range — confirm the reduction is intended');
      expect(card.detail).toContain('No dose change is proposed');
    });
  });

  describe('route', () => {
    it('oral etoposide is not dose-checked', () => {
      expect(check([chemo('etoposide', [200, 'mg/m2'], { route: 'oral' })])).toBeNull();
    });

    it('oral etoposide is named as not checked when another drug fires', () => {
      const rec = check([chemo('etoposide', [200, 'mg/m2'], { route: 'oral' }), chemo('cisplatin', [110, 'mg/m2'])]);
      expect(rec?.values.notChecked).toContain('oral etoposide is not dose-checked');
      expect(renderRecommendation(rec!).detail).toContain('oral etoposide is not dose-checked');
    });

    it('etoposide without a stated route is not assumed IV: info', () => {
      const rec = check([chemo('etoposide', [200, 'mg/m2'], { route: undefined })]);
      expect(rec).toMatchObject({ indicator: 'info', variant: 'unchecked' });
      expect(rec?.values.findings).toContain('the route is not stated');
    });

    it('carboplatin without a stated route is checked (it is only given intravenously)', () => {
      expect(check([chemo('carboplatin', [900, 'mg'], { route: undefined })])?.indicator).toBe('critical');
    });
  });

  describe('one card for several drugs; the indicator is the worst', () => {
    it('carboplatin critical + etoposide warning + docetaxel below → critical, every finding named', () => {
      const drafts = [chemo('carboplatin', [900, 'mg']), chemo('etoposide', [140, 'mg/m2']), chemo('docetaxel', [50, 'mg/m2'])];
      const rec = check(drafts);
      expect(rec).toMatchObject({ indicator: 'critical', values: { drug: 'carboplatin' } });
      expect(rec?.values.findings?.split('\n')).toHaveLength(3);
      expect(rec?.values.findings).toContain('etoposide 140 mg/m²: usual range 80–120 mg/m² per day; 16.7 % above the upper bound');
      expect(rec?.values.findings).toContain('docetaxel 50 mg/m²: usual range 60–75 mg/m² per cycle; below the usual range');
      expect(rec?.suggestions).toHaveLength(1);
      expect(rec?.suggestions[0]?.actions.map((a) => ('ref' in a ? a.ref : ''))).toEqual([
        'MedicationRequest/draft-carboplatin',
        'MedicationRequest/draft-etoposide',
      ]);
      const card = renderRecommendation(rec!, resources(...drafts));
      expect(card.suggestions?.[0]?.label).toBe('Set carboplatin and etoposide to the standard dose');
    });

    it('two drugs both critical are both named in the summary', () => {
      const rec = check([chemo('carboplatin', [900, 'mg']), chemo('etoposide', [200, 'mg/m2'])]);
      expect(renderRecommendation(rec!).summary).toBe(
        'Carboplatin and etoposide dose is more than 25 % above the usual maximum — check the dose before signing',
      );
    });
  });

  describe('near misses', () => {
    it('doses within range → no card', () => {
      expect(check([chemo('carboplatin', [550, 'mg']), chemo('etoposide', [200, 'mg'])])).toBeNull();
    });

    it('a draft without a dose, out of scope, or a drug not checked → no card', () => {
      expect(check([chemo('cisplatin')])).toBeNull();
      expect(check([chemo('cisplatin', [150, 'mg/m2'], { inScope: false })])).toBeNull();
      expect(check([chemo('topotecan', [10, 'mg/m2'])])).toBeNull();
    });
  });
});
