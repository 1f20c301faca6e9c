import type { Cancer, HistologyFinding, PatientPicture } from '../picture.js';
import type { CitedFact } from '../recommendation.js';

/** Histology classes that make a high-grade neuroendocrine carcinoma (rules.md §2). */
export const NEC_HISTOLOGY = new Set<HistologyFinding['histologyClass']>(['small-cell', 'large-cell-nec', 'nec-poorly-differentiated']);

/** Specimens that can only have come from the prostate or its bed (rules.md §2: "a prostate or pelvic specimen"). */
const PROSTATE_LINEAGE_SITES = new Set(['prostate', 'pelvis', 'bladder', 'seminal-vesicle']);

/** Other cancers that could be the origin of a small cell carcinoma found in a metastasis. */
const OTHER_CANDIDATE_PRIMARIES = new Set<Cancer['primarySite']>(['lung', 'merkel']);

export type NepcStatus =
  | { status: 'none' }
  | { status: 'nepc'; prostate: Cancer; findings: HistologyFinding[]; mixed: boolean }
  | { status: 'origin-uncertain'; prostate: Cancer; findings: HistologyFinding[]; otherPrimaries: Cancer[] };

/**
 * Small cell / neuroendocrine prostate cancer (rules.md §2): prostate cancer plus small cell or NEC histology
 * in a prostate or pelvic specimen, or in a metastasis when no other candidate primary is on record.
 * @param picture - the patient picture
 */
export function classifyNepc(picture: PatientPicture): NepcStatus {
  const prostate = picture.cancers.find((c) => c.primarySite === 'prostate');
  const findings = picture.histology.filter((h) => NEC_HISTOLOGY.has(h.histologyClass));
  if (!prostate || findings.length === 0) return { status: 'none' };

  const otherPrimaries = picture.cancers.filter((c) => OTHER_CANDIDATE_PRIMARIES.has(c.primarySite));
  const fromProstate = findings.filter((f) => f.specimenSite && PROSTATE_LINEAGE_SITES.has(f.specimenSite));
  const attributable = fromProstate.length > 0 ? fromProstate : otherPrimaries.length === 0 ? findings : [];
  if (attributable.length === 0) return { status: 'origin-uncertain', prostate, findings, otherPrimaries };
  return { status: 'nepc', prostate, findings: attributable, mixed: attributable.some((f) => f.mixed) };
}

/**
 * The facts a card cites for NEPC (or an origin in doubt): the prostate cancer and each small cell / NEC finding with
 * the specimen it came from.
 * @param nepc - a classification that found prostate cancer and neuroendocrine histology
 */
export function nepcFacts(nepc: { prostate: Cancer; findings: HistologyFinding[] }): CitedFact[] {
  return [
    { label: 'Prostate cancer', value: nepc.prostate.display, date: nepc.prostate.date, sources: nepc.prostate.sources },
    ...nepc.findings.map((f) => ({
      label: f.specimenSite ? `Histology (${f.specimenSite} specimen)` : 'Histology (specimen site not recorded)',
      value: f.display,
      date: f.date,
      sources: f.sources,
    })),
  ];
}
