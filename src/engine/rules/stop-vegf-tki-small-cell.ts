import { NEC_HISTOLOGY } from '../classify/nepc.js';
import { isMerkel } from '../classify/nen.js';
import { joinNames } from '../format.js';
import type { Cancer, HistologyFinding, PatientPicture } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';

/**
 * rules.md §4 `stop-vegf-tki-small-cell` (seed 000: "Discontinue axitinib — this VEGF inhibitor is not indicated for
 * small cell carcinoma"). Small cell / NEC histology of any origin and a VEGF tyrosine kinase inhibitor (axitinib,
 * sunitinib, cabozantinib, pazopanib) current (chart open) or ordered (drafts in scope). When another cancer the drug
 * may be treating is on record (a cancer outside the sites a NEC arises from, e.g. renal cell carcinoma) or is the
 * order's reason, the card is information only: the drug may be right for that cancer.
 */

/** Words that name a cancer a VEGF-TKI is labelled for (renal cell, hepatocellular, thyroid, sarcoma, GIST). */
const VEGF_TKI_CANCER = /\b(?:renal|kidney|RCC|hepatocellular|HCC|thyroid|sarcoma|gastrointestinal stromal|GIST)\b/i;
const RENAL = /\b(?:renal|kidney|RCC)\b/i;
const NEUROENDOCRINE_WORDS = /small[-\s]cell|neuroendocrine/i;

/** Findings that belong to a Merkel cell carcinoma are not NEC (rules.md §2). */
function necFindings(picture: PatientPicture): HistologyFinding[] {
  return picture.histology.filter((h) => NEC_HISTOLOGY.has(h.histologyClass) && !isMerkel(h, picture.cancers));
}

/** A cancer on record that is not where a NEC arises and is not itself the neuroendocrine carcinoma. */
function otherCancers(picture: PatientPicture, findings: readonly HistologyFinding[]): Cancer[] {
  const necSources = new Set(findings.flatMap((f) => f.sources));
  return picture.cancers.filter((c) => c.primarySite === 'other' && !NEUROENDOCRINE_WORDS.test(c.display) && !c.sources.some((s) => necSources.has(s)));
}

export const stopVegfTkiSmallCell: Rule = {
  id: 'stop-vegf-tki-small-cell',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 95,
  placeholders: ['drug', 'drugAsRecorded', 'histologyName', 'otherCancer', 'does', 'it'],
  evaluate(picture, ctx) {
    const findings = necFindings(picture);
    if (findings.length === 0) return null;

    const facts: CitedFact[] = findings.map((f) => ({
      label: f.specimenSite ? `Histology (${f.specimenSite} specimen)` : 'Histology',
      value: f.display,
      date: f.date,
      sources: f.sources,
    }));
    let drugs: { drug: string; asRecorded: string }[];
    let reasons: string[] = [];
    let action: (isRecommended: boolean) => SuggestionSpec | null;

    if (ctx.hook === 'patient-view') {
      const current = picture.therapies.filter((t) => t.status === 'current' && t.classes.includes('VEGF-TKI'));
      if (current.length === 0) return null;
      drugs = current;
      facts.push(...current.map((t) => ({ label: 'Current VEGF tyrosine kinase inhibitor', value: t.asRecorded, date: t.date, sources: t.sources })));
      const stoppable = current.filter((t) => t.kind === 'request');
      action = (isRecommended) =>
        stoppable.length === 0
          ? null
          : {
              labelKey: 'stop',
              isRecommended,
              actions: stoppable.map((t) => ({ kind: 'stop-therapy' as const, ref: t.ref, reason: 'Not indicated for small cell / neuroendocrine carcinoma' })),
            };
    } else {
      const drafts = picture.draftOrders.filter((d) => d.inScope && d.classes.includes('VEGF-TKI'));
      if (drafts.length === 0) return null;
      drugs = drafts.map((d) => ({ drug: d.drug ?? d.asRecorded, asRecorded: d.asRecorded }));
      reasons = drafts.map((d) => d.reason).filter((r): r is string => r !== undefined && VEGF_TKI_CANCER.test(r));
      facts.push(
        ...drafts.map((d) => ({
          label: 'VEGF tyrosine kinase inhibitor being ordered',
          value: d.reason ? `${d.asRecorded} (reason: ${d.reason})` : d.asRecorded,
          sources: [d.ref],
        })),
      );
      action = (isRecommended) => ({ labelKey: 'remove', isRecommended, actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) });
    }

    const others = otherCancers(picture, findings);
    facts.push(...others.map((c) => ({ label: 'Other cancer on record', value: c.display, date: c.date, sources: c.sources })));
    const forOtherCancer = others.length > 0 || reasons.length > 0;
    const renal = [...others.map((c) => c.display), ...reasons].some((text) => RENAL.test(text));
    const suggestion = action(!forOtherCancer);
    const plural = new Set(drugs.map((d) => d.drug)).size > 1;

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: forOtherCancer ? 'info' : 'warning',
      variant: forOtherCancer ? 'other-cancer' : 'nec',
      values: {
        drug: joinNames(drugs.map((d) => d.drug)),
        drugAsRecorded: joinNames(drugs.map((d) => d.asRecorded)),
        histologyName: findings.some((f) => f.histologyClass === 'small-cell') ? 'small cell carcinoma' : 'neuroendocrine carcinoma',
        otherCancer: renal ? 'renal cell carcinoma' : 'another cancer',
        does: plural ? 'do' : 'does',
        it: plural ? 'they are' : 'it is',
      },
      facts,
      suggestions: suggestion ? [suggestion] : [],
    };
    return rec;
  },
};
