import { joinNames } from '../format.js';
import type { DraftOrder, Metastasis } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `avoid-upfront-surgery-extensive-nec` (seed 004): in a high-grade neuroendocrine carcinoma with distant
 * metastases, upfront resection of the primary is excluded; chemotherapy comes first and surgery is palliative, for a
 * symptomatic primary (obstruction, bleeding, perforation).
 *
 * Distant metastases: rules.md says "distant metastases at any site". The picture does not tell regional from distant
 * lymph nodes, so every metastasis except `lymph-node` counts as distant (a node-only picture may be locoregional
 * disease, where surgery is the standard).
 */

/** Words that name resection of a primary tumour in a ServiceRequest's text. */
const RESECTION =
  /\bresect(?:ion)?\b|\b(?:hemi|sigmoid|procto)?colectomy\b|\bsigmoidectomy\b|\bpancreatectomy\b|\bpancreaticoduodenectomy\b|\bwhipple\b|\bprostatectomy\b|\bcystoprostatectomy\b|\bgastrectomy\b|\b(?:o)?esophagectomy\b|\blobectomy\b|\bpneumonectomy\b|\babdominoperineal\b/i;
/**
 * Not resection of the primary: liver (or other) metastasis surgery, and transurethral resection of the prostate (a
 * palliative channel for urinary obstruction, not oncological surgery).
 */
const NOT_PRIMARY = /\bliver\b|\bhepat|\bmetastas[ie]s|\bmetastasectomy\b|\btransurethral\b|\bTURP\b/i;

/**
 * Whether a draft orders resection of the primary: the `colon-resection` concept, or a ServiceRequest whose text names
 * a resection and no other identified procedure concept.
 */
export function isPrimaryResection(d: DraftOrder): boolean {
  if (d.procedure === 'colon-resection') return true;
  if (d.resourceType !== 'ServiceRequest' || d.procedure !== undefined) return false;
  return RESECTION.test(d.asRecorded) && !NOT_PRIMARY.test(d.asRecorded);
}

const SITE_NAME: Record<Metastasis['site'], string> = {
  liver: 'liver',
  lung: 'lung',
  pleura: 'pleura',
  bone: 'bone',
  brain: 'brain',
  'lymph-node': 'lymph nodes',
  peritoneum: 'peritoneum',
  adrenal: 'adrenal',
  other: 'other site',
};

/** "Sigmoid colectomy" → "sigmoid colectomy"; an acronym ("TURP", "CT") keeps its capitals. */
function inSentence(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

export const avoidUpfrontSurgeryExtensiveNec: Rule = {
  id: 'avoid-upfront-surgery-extensive-nec',
  hooks: ['order-select', 'order-sign'],
  priority: 70,
  placeholders: ['procedure', 'metastasisSites'],
  evaluate(picture) {
    if (picture.nen.nenClass !== 'NEC') return null;
    const distant = picture.metastases.filter((m) => m.site !== 'lymph-node');
    if (distant.length === 0) return null;
    const drafts = picture.draftOrders.filter((d) => d.inScope && isPrimaryResection(d));
    if (drafts.length === 0) return null;

    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `high-grade neuroendocrine carcinoma — ${picture.nen.basis}`,
        date: picture.nen.date,
        sources: picture.nen.sources,
      },
      ...distant.map((m) => ({ label: 'Distant metastasis', value: m.display, date: m.date, sources: m.sources })),
      ...drafts.map((d) => ({
        label: 'Resection being ordered',
        value: d.reason ? `${d.asRecorded} (reason: "${d.reason}")` : d.asRecorded,
        sources: [d.ref],
      })),
    ];

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'warning',
      variant: 'metastatic',
      values: {
        procedure: joinNames(drafts.map((d) => (d.procedure === 'colon-resection' && !d.asRecorded.trim() ? 'colon resection' : inSentence(d.asRecorded)))),
        metastasisSites: joinNames(distant.map((m) => SITE_NAME[m.site])),
      },
      facts,
      suggestions: [{ labelKey: 'remove', isRecommended: true, actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) }],
    };
    return rec;
  },
};
