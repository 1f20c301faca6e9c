import { classifyNepc, NEC_HISTOLOGY } from '../classify/nepc.js';
import type { PatientPicture } from '../picture.js';
import type { CitedFact, LinkSpec, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `clinical-trial-referral` (seed 000, 001, 002, 003): every high-grade neuroendocrine carcinoma has a
 * poor prognosis; the chart says so with the figure for its site and links a ClinicalTrials.gov search for the
 * patient's condition. The hazard ratio (2.02 for death vs adenocarcinoma, seed 000) is printed for small cell /
 * neuroendocrine prostate cancer only.
 */

/** Where the carcinoma arose, as the trial search and the site-specific figures need it. */
export interface NecSite {
  /** `origin-uncertain`: small cell / NEC with both prostate cancer and another candidate primary on record. */
  kind: 'nepc' | 'lung' | 'extrapulmonary' | 'origin-uncertain';
  /** Small cell histology (lung: the 6-month platinum re-challenge rule of small cell lung cancer). */
  smallCell: boolean;
  /** The condition as ClinicalTrials.gov is searched for it. */
  condition: string;
}

/**
 * The site of a class-NEC carcinoma: small cell / neuroendocrine prostate cancer (rules.md §2), lung (a lung
 * specimen, or a lung primary and no other named primary), or extrapulmonary.
 * @param picture - the patient picture (class NEC)
 */
export function necSite(picture: PatientPicture): NecSite {
  const findings = picture.histology.filter((h) => NEC_HISTOLOGY.has(h.histologyClass));
  const nepc = classifyNepc(picture).status;
  if (nepc === 'nepc') {
    return { kind: 'nepc', smallCell: findings.some((f) => f.histologyClass === 'small-cell'), condition: 'neuroendocrine prostate cancer' };
  }
  if (nepc === 'origin-uncertain') {
    const smallCell = findings.some((f) => f.histologyClass === 'small-cell');
    return { kind: 'origin-uncertain', smallCell, condition: smallCell ? 'small cell carcinoma' : 'neuroendocrine carcinoma' };
  }
  const onlyLungPrimary =
    picture.cancers.some((c) => c.primarySite === 'lung') && picture.cancers.every((c) => c.primarySite === 'lung' || c.primarySite === 'unknown');
  const lung = findings.filter((f) => f.specimenSite === 'lung' || onlyLungPrimary);
  if (lung.length > 0) {
    const smallCell = lung.some((f) => f.histologyClass === 'small-cell');
    return { kind: 'lung', smallCell, condition: smallCell ? 'small cell lung cancer' : 'large cell neuroendocrine carcinoma' };
  }
  return { kind: 'extrapulmonary', smallCell: findings.some((f) => f.histologyClass === 'small-cell'), condition: 'neuroendocrine carcinoma' };
}

/** A ClinicalTrials.gov search for the condition (absolute URL). */
export function clinicalTrialsLink(condition: string): LinkSpec {
  return { label: `ClinicalTrials.gov: studies of ${condition}`, url: `https://clinicaltrials.gov/search?cond=${encodeURIComponent(condition)}` };
}

export const clinicalTrialReferral: Rule = {
  id: 'clinical-trial-referral',
  hooks: ['patient-view'],
  priority: 10,
  placeholders: ['condition'],
  evaluate(picture, ctx) {
    if (ctx.hook !== 'patient-view' || picture.nen.nenClass !== 'NEC') return null;
    const site = necSite(picture);
    const nen = picture.nen;
    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `high-grade neuroendocrine carcinoma: ${nen.basis}`,
        ...(nen.date ? { date: nen.date } : {}),
        sources: nen.sources,
      },
      ...picture.cancers.map((c) => ({ label: 'Cancer', value: c.display, ...(c.date ? { date: c.date } : {}), sources: c.sources })),
      ...picture.metastases.map((m) => ({ label: 'Metastasis', value: m.display, ...(m.date ? { date: m.date } : {}), sources: m.sources })),
    ];
    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: site.kind,
      values: { condition: site.condition },
      facts,
      suggestions: [],
      links: [clinicalTrialsLink(site.condition)],
    };
    return rec;
  },
};
