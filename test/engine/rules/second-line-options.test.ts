import { describe, expect, it } from 'vitest';
import { secondLineOptions as rule, wholeMonthsSince } from '../../../src/engine/rules/second-line-options.js';
import { runRules } from '../../../src/engine/run.js';
import type { Biomarkers, PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, NONE, NOW, prostateCancer, smallCell } from '../builders.js';
import { colonNec, known, nen, rx } from './nec-builders.js';

const evaluate = (p: PatientPicture, settings = {}) => rule.evaluate(p, ctx('patient-view', settings));

/** Cisplatin–etoposide from 2026-05-01, last given `last`; NEC diagnosed 2026-04-20; progression 2026-11-10. */
function progressed(last = '2026-07-01', overrides: Partial<PatientPicture> = {}): PatientPicture {
  return colonNec({
    nen: nen('NEC', { date: '2026-04-20' }),
    therapies: [rx('cisplatin', { date: '2026-05-01', lastDate: last }), rx('etoposide', { date: '2026-05-01', lastDate: last })],
    diseaseStatus: known<'progressing' | 'stable' | 'responding' | 'unknown'>('progressing', '2026-11-10', 'Observation/status'),
    ...overrides,
  });
}

const biomarkers = (b: Partial<Biomarkers>): Partial<PatientPicture> => ({ biomarkers: { brafV600E: NONE, msiHighOrDmmr: NONE, tmb: NONE, hrr: NONE, ...b } });

describe('second-line-options', () => {
  it('fires: extrapulmonary NEC progressing after cisplatin–etoposide → info with options, interval and trial link', () => {
    const rec = evaluate(progressed());
    expect(rec).toMatchObject({ ruleId: 'second-line-options', indicator: 'info', variant: 'extrapulmonary', suggestions: [] });
    expect(rec?.links).toEqual([
      { label: 'ClinicalTrials.gov: studies of neuroendocrine carcinoma', url: 'https://clinicaltrials.gov/search?cond=neuroendocrine%20carcinoma' },
    ]);
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Progression after platinum–etoposide: review second-line options (FOLFIRI, FOLFOX, CAPTEM, re-challenge, trials)');
    expect(card.detail).toContain('PRODIGE 41-BEVANEC');
    expect(card.detail).toContain('nivolumab + ipilimumab');
    expect(card.detail).toContain('practice varies');
    expect(card.detail).toContain('Platinum-free interval: 4 months');
    expect(card.detail).toContain('003_57ab4d718b319cc9.txt');
    expect(card.links?.[0]?.type).toBe('absolute');
  });

  it('cites class, each drug of the course and the progression', () => {
    expect(evaluate(progressed())?.facts.map((f) => [f.label, f.value, f.date])).toEqual([
      ['Neuroendocrine class', expect.stringContaining('high-grade neuroendocrine carcinoma'), '2026-04-20'],
      ['Platinum–etoposide', 'cisplatin (as ordered) (last given 2026-07-01)', '2026-05-01'],
      ['Platinum–etoposide', 'etoposide (as ordered) (last given 2026-07-01)', '2026-05-01'],
      ['Disease status', 'progressing', '2026-11-10'],
    ]);
  });

  describe('platinum-free interval (re-challenge at 3 months, ENETS; 6 months small cell lung cancer)', () => {
    it.each([
      ['2026-08-23', 3, true],
      ['2026-08-24', 2, false],
    ])('extrapulmonary, last given %s → %i months, re-challenge %s', (last, months, ok) => {
      const interval = evaluate(progressed(last))?.values.interval ?? '';
      expect(interval).toContain(`Platinum-free interval: ${months} months`);
      expect(interval.includes('re-challenge is an option')).toBe(ok);
    });

    it('the re-challenge threshold is configurable', () => {
      expect(evaluate(progressed('2026-08-23'), { platinumRechallengeMonths: 4 })?.values.interval).toContain('under 4 months');
    });

    const lung = (last: string) =>
      progressed(last, { cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung', display: 'Small cell carcinoma of lung' })] });

    it.each([
      ['2026-05-23', 6, true],
      ['2026-05-24', 5, false],
    ])('small cell lung cancer, last given %s → %i months, re-challenge %s', (last, months, ok) => {
      const rec = evaluate({
        ...lung(last),
        therapies: [rx('carboplatin', { date: '2026-04-25', lastDate: last }), rx('etoposide', { date: '2026-04-25', lastDate: last })],
      });
      expect(rec?.variant).toBe('lung');
      expect(rec?.values.interval).toContain(`Platinum-free interval: ${months} months`);
      expect(rec?.values.interval?.includes('re-challenge is an option')).toBe(ok);
      expect(rec?.values.interval).toContain('small cell lung cancer');
    });

    it('platinum still current → progression on treatment, no re-challenge', () => {
      const p = progressed('2026-11-01', {
        therapies: [
          rx('cisplatin', { status: 'current', date: '2026-05-01', lastDate: '2026-11-01' }),
          rx('etoposide', { date: '2026-05-01', lastDate: '2026-11-01' }),
        ],
      });
      expect(evaluate(p)?.values.interval).toContain('platinum is still current');
    });

    it('whole calendar months', () => {
      expect(wholeMonthsSince('2026-08-23', NOW)).toBe(3);
      expect(wholeMonthsSince('2026-08-24', NOW)).toBe(2);
      expect(wholeMonthsSince('2025-11-23', NOW)).toBe(12);
    });
  });

  describe('biomarker-led options', () => {
    it('BRAF V600E positive → BRAF + MEK inhibition, cited', () => {
      const rec = evaluate(
        progressed(undefined, biomarkers({ brafV600E: known<'positive' | 'negative' | 'indeterminate'>('positive', '2026-10-20', 'Observation/braf') })),
      );
      expect(rec?.values.biomarkers).toContain('BRAF V600E detected (2026-10-20): BRAF + MEK inhibition');
      expect(rec?.facts).toContainEqual({ label: 'BRAF V600E', value: 'positive', date: '2026-10-20', sources: ['Observation/braf'] });
    });

    it('MSI-high / dMMR → pembrolizumab', () => {
      const rec = evaluate(
        progressed(undefined, biomarkers({ msiHighOrDmmr: known<'positive' | 'negative' | 'indeterminate'>('positive', '2026-10-20', 'Observation/msi') })),
      );
      expect(rec?.values.biomarkers).toContain('MSI-high / mismatch repair deficient: pembrolizumab');
    });

    it.each([
      [9.9, false],
      [10, true],
    ])('TMB %s mutations/Mb → pembrolizumab %s', (tmb, high) => {
      const rec = evaluate(progressed(undefined, biomarkers({ tmb: known(tmb, '2026-10-20', 'Observation/tmb') })));
      expect(rec?.values.biomarkers?.includes('pembrolizumab')).toBe(high);
    });

    it('nothing tested → says which biomarkers are not on record', () => {
      expect(evaluate(progressed())?.values.biomarkers).toContain(
        'Not on record: BRAF V600E, microsatellite instability / mismatch repair, tumour mutational burden',
      );
    });

    it('all negative → no actionable biomarker, no "not on record"', () => {
      const neg = known<'positive' | 'negative' | 'indeterminate'>('negative', '2026-10-20', 'Observation/ngs');
      const text = evaluate(progressed(undefined, biomarkers({ brafV600E: neg, msiHighOrDmmr: neg, tmb: known(3, '2026-10-20', 'Observation/ngs') })))?.values
        .biomarkers;
      expect(text).toBe('- No actionable biomarker on record.');
    });
  });

  it('NEPC → docetaxel or cabazitaxel with carboplatin, topotecan; trial search for neuroendocrine prostate cancer', () => {
    const p = progressed(undefined, { cancers: [prostateCancer()], histology: [smallCell({ date: '2026-04-20' })] });
    const rec = evaluate(p);
    expect(rec).toMatchObject({ variant: 'nepc', links: [{ url: 'https://clinicaltrials.gov/search?cond=neuroendocrine%20prostate%20cancer' }] });
    const card = renderRecommendation(rec!);
    expect(card.summary).toContain('docetaxel or cabazitaxel with carboplatin');
    expect(card.detail).toContain('topotecan');
  });

  describe('near misses', () => {
    it('no platinum–etoposide on record → no card', () => {
      expect(evaluate(progressed(undefined, { therapies: [] }))).toBeNull();
    });

    it('platinum–etoposide only before the NEC diagnosis (old BEP) → no card', () => {
      expect(evaluate(progressed(undefined, { nen: nen('NEC', { date: '2026-09-01' }) }))).toBeNull();
    });

    it('carboplatin without etoposide → no card', () => {
      expect(evaluate(progressed(undefined, { therapies: [rx('carboplatin', { date: '2026-05-01' })] }))).toBeNull();
    });

    it.each(['stable', 'responding', 'unknown'] as const)('disease %s → no card', (value) => {
      expect(evaluate(progressed(undefined, { diseaseStatus: known(value, '2026-11-10', 'Observation/status') }))).toBeNull();
    });

    it('no disease status → no card', () => {
      expect(evaluate(progressed(undefined, { diseaseStatus: NONE }))).toBeNull();
    });

    it.each([
      ['2026-04-30', false],
      ['2026-05-01', true],
    ])('progression dated %s (course began 2026-05-01) → card %s', (date, fires) => {
      const rec = evaluate(
        progressed(undefined, { diseaseStatus: known<'progressing' | 'stable' | 'responding' | 'unknown'>('progressing', date, 'Observation/status') }),
      );
      expect(rec !== null).toBe(fires);
    });

    it('undated progression → no card (cannot be placed against the course)', () => {
      expect(evaluate(progressed(undefined, { diseaseStatus: { value: 'progressing', sources: ['Observation/status'] } }))).toBeNull();
    });

    it.each(['NET-G3', 'high-grade-NEN-unclear', 'NET-G2'] as const)('class %s → no card', (nenClass) => {
      expect(evaluate(progressed(undefined, { nen: nen(nenClass, { date: '2026-04-20' }) }))).toBeNull();
    });
  });

  describe('hooks', () => {
    it('patient-view only', () => {
      expect(rule.hooks).toEqual(['patient-view']);
      expect(runRules([rule], progressed(), ctx('patient-view'))).toHaveLength(1);
    });

    it.each(['order-select', 'order-sign'] as const)('%s → no card', (hook) => {
      expect(runRules([rule], progressed(), ctx(hook))).toEqual([]);
      expect(rule.evaluate(progressed(), ctx(hook))).toBeNull();
    });
  });
});
