import { describe, expect, it } from 'vitest';
import { clinicalTrialReferral as rule, clinicalTrialsLink, necSite } from '../../../src/engine/rules/clinical-trial-referral.js';
import { runRules } from '../../../src/engine/run.js';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, prostateCancer, smallCell } from '../builders.js';
import { colonNec, nen, necHistology } from './nec-builders.js';

const evaluate = (p: PatientPicture) => rule.evaluate(p, ctx());
const nepc = () =>
  colonNec({
    cancers: [prostateCancer()],
    histology: [smallCell()],
    nen: nen('NEC', { basis: 'small cell histology', date: '2026-10-14', sources: ['DiagnosticReport/bx'] }),
  });
const lungSclc = () => colonNec({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung', display: 'Small cell carcinoma of lung' })] });

describe('clinical-trial-referral', () => {
  it('NEPC (seed 000): info with the hazard ratio 2.02 and a ClinicalTrials.gov search link', () => {
    const rec = evaluate(nepc());
    expect(rec).toMatchObject({ ruleId: 'clinical-trial-referral', indicator: 'info', variant: 'nepc', suggestions: [] });
    expect(rec?.links).toEqual([
      {
        label: 'ClinicalTrials.gov: studies of neuroendocrine prostate cancer',
        url: 'https://clinicaltrials.gov/search?cond=neuroendocrine%20prostate%20cancer',
      },
    ]);
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Consider a clinical trial: small cell / neuroendocrine prostate cancer carries a poor prognosis');
    expect(card.detail).toContain('hazard ratio 2.02 for death');
    expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    expect(card.links).toEqual([
      {
        label: 'ClinicalTrials.gov: studies of neuroendocrine prostate cancer',
        url: 'https://clinicaltrials.gov/search?cond=neuroendocrine%20prostate%20cancer',
        type: 'absolute',
      },
    ]);
  });

  it('cites the class, the cancer and the metastasis with dates and sources', () => {
    expect(evaluate(nepc())?.facts).toEqual([
      {
        label: 'Neuroendocrine class',
        value: 'high-grade neuroendocrine carcinoma: small cell histology',
        date: '2026-10-14',
        sources: ['DiagnosticReport/bx'],
      },
      { label: 'Cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
      { label: 'Metastasis', value: 'Secondary malignant neoplasm of liver', date: '2026-10-01', sources: ['Condition/liver-met'] },
    ]);
  });

  it('extrapulmonary NEC (colon): median survival rarely above 1 year; no hazard ratio', () => {
    const rec = evaluate(colonNec());
    expect(rec).toMatchObject({
      indicator: 'info',
      variant: 'extrapulmonary',
      links: [{ url: 'https://clinicaltrials.gov/search?cond=neuroendocrine%20carcinoma' }],
    });
    const card = renderRecommendation(rec!);
    expect(card.summary).toContain('rarely has median survival above 1 year');
    expect(card.detail).toContain('median overall survival rarely exceeds 1 year');
    expect(card.detail).not.toContain('2.02');
  });

  it('lung small cell: its own condition and no prostate figure', () => {
    const rec = evaluate(lungSclc());
    expect(rec).toMatchObject({ variant: 'lung', links: [{ url: 'https://clinicaltrials.gov/search?cond=small%20cell%20lung%20cancer' }] });
    expect(renderRecommendation(rec!).detail).not.toContain('2.02');
  });

  it('lung large cell NEC: searched as large cell neuroendocrine carcinoma', () => {
    const p = colonNec({ cancers: [lungCancer()], histology: [necHistology({ histologyClass: 'large-cell-nec', specimenSite: 'lung' })] });
    expect(necSite(p)).toEqual({ kind: 'lung', smallCell: false, condition: 'large cell neuroendocrine carcinoma' });
  });

  it('prostate cancer + small cell + a lung primary (origin uncertain): its own wording, no hazard ratio, not "outside the lung"', () => {
    const p = colonNec({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell()] });
    const rec = evaluate(p);
    expect(rec?.variant).toBe('origin-uncertain');
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Consider a clinical trial for this high-grade neuroendocrine carcinoma once its origin is confirmed');
    expect(card.detail).not.toContain('2.02');
    expect(card.links?.[0]).toMatchObject({ url: 'https://clinicaltrials.gov/search?cond=small%20cell%20carcinoma' });
  });

  it('encodes the condition in the URL', () => {
    expect(clinicalTrialsLink('small cell / neuroendocrine').url).toBe('https://clinicaltrials.gov/search?cond=small%20cell%20%2F%20neuroendocrine');
  });

  describe('near misses', () => {
    it.each(['NET-G1', 'NET-G2', 'NET-G3', 'high-grade-NEN-unclear', 'NET-G1/G2-presumed', 'NEN-ungraded', 'not-neuroendocrine'] as const)(
      'class %s → no card',
      (nenClass) => {
        expect(evaluate(colonNec({ nen: nen(nenClass) }))).toBeNull();
      },
    );
  });

  describe('hooks', () => {
    it('patient-view only', () => {
      expect(rule.hooks).toEqual(['patient-view']);
      expect(runRules([rule], colonNec(), ctx('patient-view'))).toHaveLength(1);
    });

    it.each(['order-select', 'order-sign'] as const)('%s → no card', (hook) => {
      expect(runRules([rule], colonNec(), ctx(hook))).toEqual([]);
      expect(rule.evaluate(colonNec(), ctx(hook))).toBeNull();
    });
  });
});
