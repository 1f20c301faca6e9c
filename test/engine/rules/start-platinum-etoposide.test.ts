import type { MedicationRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { startPlatinumEtoposide as rule } from '../../../src/engine/rules/start-platinum-etoposide.js';
import { runRules } from '../../../src/engine/run.js';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, NONE, prostateCancer, smallCell } from '../builders.js';
import { bsaFact, colonNec, doseInputs, gfrFact, known, lab, nen, order, rx } from './nec-builders.js';

const evaluate = (p: PatientPicture, settings = {}) => rule.evaluate(p, ctx('patient-view', settings));

function createdOrders(p: PatientPicture) {
  const rec = evaluate(p);
  if (!rec) throw new Error('no recommendation');
  const card = renderRecommendation(rec);
  return {
    rec,
    card,
    orders: (card.suggestions ?? []).map((s) => s.actions.map((a) => (a.type === 'create' ? (a.resource as MedicationRequest) : undefined))),
  };
}

describe('start-platinum-etoposide', () => {
  describe('fires: metastatic NEC without platinum–etoposide', () => {
    it('warning, two dosed suggestions (at most one), cisplatin recommended for a fit 60-year-old', () => {
      const { rec, card, orders } = createdOrders(colonNec());
      expect(rec).toMatchObject({ ruleId: 'start-platinum-etoposide', indicator: 'warning', variant: 'metastatic', selectionBehavior: 'at-most-one' });
      expect(card.summary).toBe('Start platinum–etoposide (carboplatin or cisplatin with etoposide) for metastatic high-grade neuroendocrine carcinoma');
      expect(card.selectionBehavior).toBe('at-most-one');
      // Calvert: 5 × (80 + 25) = 525 → 530 mg; cisplatin 75 × 1.9 = 142.5 → 145 mg; etoposide 100 × 1.9 = 190 mg.
      expect(card.suggestions?.map((s) => [s.label, s.isRecommended])).toEqual([
        ['Draft carboplatin 530 mg (AUC 5) day 1 + etoposide 190 mg days 1–3, every 21 days', false],
        ['Draft cisplatin 145 mg (75 mg/m²) day 1 + etoposide 190 mg days 1–3, every 21 days', true],
      ]);
      const [carbo, cis] = orders;
      expect(
        carbo?.map((r) => [r?.status, r?.intent, r?.medicationCodeableConcept?.text, r?.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value]),
      ).toEqual([
        ['draft', 'proposal', 'carboplatin', 530],
        ['draft', 'proposal', expect.stringContaining('etoposide'), 190],
      ]);
      expect(carbo?.[1]?.dosageInstruction?.[0]?.timing?.repeat).toMatchObject({ frequency: 3, period: 21, periodUnit: 'd' });
      expect(cis?.[0]?.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity?.value).toBe(145);
      expect(cis?.[0]?.note?.[0]?.text).toContain('verify before signing');
      expect(cis?.[0]?.note?.[0]?.text).toContain('75 mg/m² × 1.90 m²');
    });

    it('the detail prints the seed ranges, what the order leaves out, and "verify before signing"', () => {
      const detail = renderRecommendation(evaluate(colonNec())!).detail ?? '';
      expect(detail).toContain('cisplatin 60–80 mg/m²');
      expect(detail).toContain('carboplatin AUC 5–6');
      expect(detail).toContain('etoposide 80–100 mg/m²');
      expect(detail).toContain('antiemetics');
      expect(detail).toContain('magnesium and potassium');
      expect(detail).toContain('G-CSF');
      expect(detail).toContain('verify before signing');
      expect(detail).toContain('Hearing loss and heart failure are not read from the record');
      expect(detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(detail).not.toContain('docetaxel');
    });

    it('cites class, cancer, metastasis, ECOG, age, body surface area and GFR with dates and sources', () => {
      const rec = evaluate(colonNec());
      expect(rec?.facts.map((f) => [f.label, f.date])).toEqual([
        ['Neuroendocrine class', '2026-10-02'],
        ['Cancer', '2026-09-30'],
        ['Metastasis', '2026-10-01'],
        ['ECOG performance status', '2026-11-18'],
        ['Age', '2026-11-23'],
        ['Body surface area', '2026-11-20'],
        ['GFR for dosing', '2026-11-20'],
      ]);
      expect(rec?.facts.find((f) => f.label === 'GFR for dosing')).toMatchObject({
        value: expect.stringContaining('80 mL/min'),
        sources: ['Observation/creatinine', 'Observation/weight'],
      });
    });

    it('uses the configured AUC and mg/m² doses', () => {
      const rec = evaluate(colonNec(), { carboplatinAuc: 6, cisplatinMgM2: 60, etoposideMgM2: 80 });
      expect(rec?.values).toMatchObject({ carboplatinMg: '630', cisplatinMg: '115', etoposideMg: '150' });
    });

    it('caps the GFR at 125 mL/min in the Calvert formula (at most 150 × AUC)', () => {
      expect(evaluate(colonNec(doseInputs('2026-11-20', 160)))?.values.carboplatinMg).toBe('750');
    });

    it('NEPC (seed 000): adds docetaxel / cabazitaxel + carboplatin and the NCCN small cell lung cancer advice', () => {
      const p = colonNec({ cancers: [prostateCancer()], histology: [smallCell()], nen: nen('NEC', { basis: 'small cell histology' }) });
      const detail = renderRecommendation(evaluate(p)!).detail ?? '';
      expect(detail).toContain('docetaxel 75 mg/m² + carboplatin AUC 5–6');
      expect(detail).toContain('cabazitaxel 25 mg/m² + carboplatin AUC 4–5');
      expect(detail).toContain('Consult the NCCN Small Cell Lung Cancer guideline');
    });

    it('lung-primary extensive small cell: first line is platinum–etoposide + atezolizumab or durvalumab', () => {
      const p = colonNec({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung', display: 'Small cell carcinoma of lung' })] });
      const rec = evaluate(p);
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'lung-extensive' });
      const card = renderRecommendation(rec!);
      expect(card.summary).toContain('atezolizumab or durvalumab');
      expect(card.detail).toContain('do not include the immunotherapy');
    });
  });

  describe('carboplatin or cisplatin recommended (exactly one under at-most-one)', () => {
    const recommended = (p: PatientPicture) => evaluate(p)?.suggestions.map((s) => [s.labelKey, s.isRecommended]);

    it.each([
      ['GFR 59 mL/min', 'carboplatin', { ...doseInputs('2026-11-20', 59) }],
      ['GFR 60 mL/min', 'cisplatin', { ...doseInputs('2026-11-20', 60) }],
      ['ECOG 1', 'cisplatin', { ecog: known(1) }],
      ['ECOG 2', 'carboplatin', { ecog: known(2) }],
      ['age 69', 'cisplatin', { age: known(69) }],
      ['age 70', 'carboplatin', { age: known(70) }],
      ['neuropathy', 'carboplatin', { neuropathy: known('Peripheral neuropathy due to chemotherapy', '2026-03-01', 'Condition/pn') }],
    ] as [string, string, Partial<PatientPicture>][])('%s → %s recommended', (_name, preferred, overrides) => {
      const rec = recommended(colonNec(overrides));
      expect(rec).toEqual([
        ['carboplatin', preferred === 'carboplatin'],
        ['cisplatin', preferred === 'cisplatin'],
      ]);
    });

    it('elderly threshold is configurable (age 70 with elderlyAge 75 → cisplatin)', () => {
      expect(evaluate(colonNec({ age: known(70) }), { elderlyAge: 75 })?.suggestions.map((s) => s.isRecommended)).toEqual([false, true]);
    });

    it('says why carboplatin is preferred', () => {
      expect(evaluate(colonNec({ age: known(74), ecog: known(2) }))?.values.eligibility).toBe(
        'Carboplatin is preferred: ECOG 2 and age 74 (70 or over) (cisplatin-ineligible or elderly).',
      );
    });

    it('ECOG not recorded and nothing else against cisplatin → neither marked preferred; the card says why', () => {
      const rec = evaluate(colonNec({ ecog: NONE }));
      expect(rec?.suggestions.map((s) => s.isRecommended)).toEqual([false, false]);
      expect(rec?.values.eligibility).toContain('ECOG performance status not recorded');
    });
  });

  describe('missing or stale dose inputs → card without doses, saying which value', () => {
    it.each([
      ['7 days old', '2026-11-16', true],
      ['8 days old', '2026-11-15', false],
    ])('inputs %s (%s) → doses computed: %s', (_name, date, dosed) => {
      const rec = evaluate(colonNec(doseInputs(date)));
      expect(rec?.indicator).toBe('warning');
      expect(rec?.suggestions.length).toBe(dosed ? 2 : 0);
      if (!dosed) {
        expect(rec?.values.doseSection).toContain('No doses computed');
        expect(rec?.values.doseSection).toContain('weight 75 kg on 2026-11-15 (older than 7 days)');
        expect(rec?.values.doseSection).toContain('serum creatinine 1 mg/dL on 2026-11-15 (older than 7 days)');
        const card = renderRecommendation(rec!);
        expect(card.suggestions).toBeUndefined();
      }
    });

    it('no weight recorded → no doses, the card names the weight', () => {
      const rec = evaluate(
        colonNec({
          weight: NONE,
          bsa: { missing: true, reason: 'no weight' },
          renal: { ...doseInputs().renal!, gfrForDosing: { missing: true, reason: 'Cockcroft–Gault not computed: no weight' } },
        }),
      );
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.doseSection).toContain('weight: not recorded');
    });

    it('only the creatinine is stale → says the creatinine and its age', () => {
      const p = colonNec({
        renal: { ...doseInputs().renal!, creatinine: lab(1.0, 'mg/dL', '2026-09-01', 'Observation/creatinine'), gfrForDosing: gfrFact(80, '2026-09-01') },
      });
      const rec = evaluate(p);
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.doseSection).toContain('serum creatinine 1 mg/dL on 2026-09-01 (older than 7 days)');
      expect(rec?.values.doseSection).not.toContain('weight 75 kg');
    });

    it('sex not male/female → GFR not computed, said on the card', () => {
      const rec = evaluate(colonNec({ renal: { ...doseInputs().renal!, gfrForDosing: { missing: true, reason: 'sex not male/female: no dose computed' } } }));
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.doseSection).toContain('GFR for dosing: sex not male/female');
    });

    it('body surface area undated → treated as stale', () => {
      const { date: _date, ...undated } = bsaFact();
      const rec = evaluate(
        colonNec({ bsa: undated, weight: { value: 75, sources: ['Observation/weight'] }, height: { value: 175, sources: ['Observation/height'] } }),
      );
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.doseSection).toContain('weight 75 kg (date not recorded)');
    });
  });

  describe('performance status', () => {
    it.each([
      [2, 'warning', 'metastatic'],
      [3, 'info', 'poor-performance'],
    ])('ECOG %i → %s', (ecog, indicator, variant) => {
      const rec = evaluate(colonNec({ ecog: known(ecog) }));
      expect(rec).toMatchObject({ indicator, variant });
      expect(rec?.suggestions).toHaveLength(2);
    });

    it('ECOG 3 card renders with its own summary', () => {
      expect(renderRecommendation(evaluate(colonNec({ ecog: known(3) }))!).summary).toBe(
        'Consider platinum–etoposide for high-grade neuroendocrine carcinoma — performance status ECOG 3',
      );
    });

    it('ECOG 4 → no card', () => {
      expect(evaluate(colonNec({ ecog: known(4) }))).toBeNull();
    });
  });

  describe('localised (no metastasis on record)', () => {
    it('info "multidisciplinary plan", no orders proposed', () => {
      const rec = evaluate(colonNec({ metastases: [] }));
      expect(rec).toMatchObject({ indicator: 'info', variant: 'localised', suggestions: [] });
      const card = renderRecommendation(rec!);
      expect(card.summary).toContain('multidisciplinary team');
      expect(card.detail).toContain('surgery ± adjuvant chemotherapy, or chemoradiation');
    });
  });

  describe('near misses', () => {
    it.each(['NET-G1', 'NET-G2', 'NET-G3', 'high-grade-NEN-unclear', 'NET-G1/G2-presumed', 'NEN-ungraded', 'not-neuroendocrine'] as const)(
      'class %s → no card',
      (nenClass) => {
        expect(evaluate(colonNec({ nen: nen(nenClass) }))).toBeNull();
      },
    );

    it('platinum–etoposide current → no card', () => {
      expect(
        evaluate(
          colonNec({
            therapies: [
              rx('carboplatin', { status: 'current', date: '2026-11-01', lastDate: undefined }),
              rx('etoposide', { status: 'current', date: '2026-11-01', lastDate: undefined }),
            ],
          }),
        ),
      ).toBeNull();
    });

    it('platinum–etoposide drafted → no card', () => {
      expect(evaluate(colonNec({ draftOrders: [order('cisplatin'), order('etoposide')] }))).toBeNull();
    });

    it('platinum–etoposide given after the diagnosis → no card', () => {
      expect(
        evaluate(
          colonNec({
            therapies: [rx('cisplatin', { date: '2026-10-10', lastDate: '2026-10-31' }), rx('etoposide', { date: '2026-10-10', lastDate: '2026-11-02' })],
          }),
        ),
      ).toBeNull();
    });

    it('platinum–etoposide (BEP) before the NEC diagnosis does not count → card', () => {
      const rec = evaluate(
        colonNec({
          therapies: [rx('cisplatin', { date: '2010-01-01', lastDate: '2010-03-01' }), rx('etoposide', { date: '2010-01-01', lastDate: '2010-03-02' })],
        }),
      );
      expect(rec?.variant).toBe('metastatic');
    });

    it('carboplatin alone (no etoposide) is not the regimen → card', () => {
      expect(evaluate(colonNec({ therapies: [rx('carboplatin', { status: 'current' })] }))?.variant).toBe('metastatic');
    });

    it('platinum and etoposide more than one cycle window apart are not a regimen → card', () => {
      const p = colonNec({
        therapies: [rx('cisplatin', { date: '2026-10-05', lastDate: '2026-10-05' }), rx('etoposide', { date: '2026-11-20', lastDate: '2026-11-20' })],
      });
      expect(evaluate(p)?.variant).toBe('metastatic');
    });
  });

  describe('hooks', () => {
    it('runs on patient-view only', () => {
      expect(rule.hooks).toEqual(['patient-view']);
      expect(runRules([rule], colonNec(), ctx('patient-view'))).toHaveLength(1);
    });

    it.each(['order-select', 'order-sign'] as const)('%s → no card', (hook) => {
      expect(runRules([rule], colonNec(), ctx(hook))).toEqual([]);
      expect(rule.evaluate(colonNec(), ctx(hook))).toBeNull();
    });
  });
});
