import type { CodeableConcept, Procedure, ServiceRequest } from 'fhir/r4.js';
import type { ProcedureCategory, ProcedureRecord } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Concept, Terminology } from '../terminology.js';
import { displayOf } from './conditions.js';
import { readEach } from './guard.js';
import { clinicalDate } from './dates.js';

/**
 * Procedures the rules care about (rules.md §1 "procedures ordered"): biopsies, liver-directed therapy, surgery, PSA
 * tests, imaging, pathology review and genomic tests, from ServiceRequest (ordered / done) and Procedure (done).
 * A concept is recognised by a verified code of a terminology `procedure` concept, else by words of the code's text
 * or displays (TAE, SSTR PET, Ki-67 review and genomic tests have no verified code at all).
 */

/** Words that name a procedure concept, in the order they are tried (specific before general). */
const TEXT_PATTERNS: { id: string; re: RegExp; also?: RegExp }[] = [
  { id: 'tace', re: /\bchemo[-\s]?emboli[sz]ation\b|\b(?:DEB-?)?TACE\b/i },
  { id: 'tare', re: /\bradio[-\s]?emboli[sz]ation\b|\bTARE\b|\bSIRT\b|\bselective internal radiation\b|\by(?:ttrium)?[-\s]?90\b/i },
  { id: 'tae', re: /\bTAE\b|\bbland\s+emboli[sz]ation\b/i },
  { id: 'tae', re: /\bemboli[sz]ation\b/i, also: /\b(?:liver|hepatic)\b/i },
  { id: 'liver-ablation', re: /\bablation\b|\b(?:RFA|MWA)\b/i, also: /\b(?:liver|hepatic)\b/i },
  // Not "Ga-68" alone: Ga-68 PSMA PET is a prostate scan, not a somatostatin-receptor one.
  { id: 'sstr-pet', re: /\bDOTA-?(?:TATE|TOC|NOC)\b|\bsomatostatin[-\s]receptor\b|\bSSTR\b|\bNETSPOT\b|\bDetectnet\b/i },
  {
    id: 'ct-chest-abdomen-pelvis',
    re: /\b(?:CT|computed\s+tomography|CAT\s+scan)\b/i,
    also: /\bchest\b.*\babd(?:omen)?\b.*\bpelvi[sc]\b|\bC\/A\/P\b|\bCAP\b/i,
  },
  { id: 'liver-biopsy', re: /\bbiops(?:y|ies)\b/i, also: /\b(?:liver|hepatic)\b/i },
  { id: 'prostate-biopsy', re: /\bbiops(?:y|ies)\b/i, also: /\bprostat/i },
  {
    id: 'colon-resection',
    re: /\b(?:hemi)?colectomy\b|\bsigmoidectomy\b|\b(?:colon|colonic|bowel|sigmoid)\s+resection\b|\bresection\s+of\s+(?:the\s+)?(?:sigmoid\s+)?colon\b/i,
  },
  { id: 'psa-test-order', re: /\bPSA\b|\bprostate[-\s]specific\s+antigen\b/i },
  { id: 'ki67-pathology-review', re: /\bki[-\s]?67\b|\bMIB[-\s]?1\b|\bpathology\s+review\b|\bsecond[-\s]opinion\s+pathology\b/i },
  {
    id: 'genomic-test',
    re: /\bgene\s+panel\b|\bgenomic\b|\bNGS\b|\bnext[-\s]generation\s+sequencing\b|\bBRCA[12]?\b|\bHRR\b|\bhomologous\s+recombination\b|\btumou?r\s+(?:sequencing|profiling)\b|\bmolecular\s+profiling\b|\bFoundation\s?One\b/i,
  },
];

/** Concept → category (biopsy, liver-directed therapy, surgery, lab, imaging, pathology review, genomic test). */
function procedureCategory(concept: Concept): ProcedureCategory {
  if (concept.liverDirected) return 'liver-directed';
  switch (concept.id) {
    case 'liver-biopsy':
    case 'prostate-biopsy':
      return 'biopsy';
    case 'colon-resection':
      return 'surgery';
    case 'psa-test-order':
      return 'lab';
    case 'ct-chest-abdomen-pelvis':
    case 'sstr-pet':
      return 'imaging';
    case 'ki67-pathology-review':
      return 'pathology-review';
    case 'genomic-test':
      return 'genomic-test';
    default:
      return 'other';
  }
}

function texts(cc: CodeableConcept | undefined): string[] {
  if (!cc || typeof cc !== 'object') return [];
  const codings = Array.isArray(cc.coding) ? cc.coding : [];
  return [cc.text, ...codings.map((c) => c?.display)].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

/**
 * The procedure concept a code names: a verified code of a `procedure` concept first, then the words of its text and
 * displays.
 * @returns the concept and its category, or undefined when it is none of the procedures the rules use
 */
export function identifyProcedure(cc: CodeableConcept | undefined, terminology: Terminology): { concept: Concept; category: ProcedureCategory } | undefined {
  if (!cc || typeof cc !== 'object') return undefined;
  for (const coding of Array.isArray(cc.coding) ? cc.coding : []) {
    if (!coding || typeof coding !== 'object') continue;
    const concept = terminology.conceptsForCoding(coding).find((c) => c.kind === 'procedure');
    if (concept) return { concept, category: procedureCategory(concept) };
  }
  for (const text of texts(cc)) {
    for (const { id, re, also } of TEXT_PATTERNS) {
      if (re.test(text) && (!also || also.test(text))) {
        const concept = terminology.concept(id);
        return { concept, category: procedureCategory(concept) };
      }
    }
  }
  return undefined;
}

const REQUEST_ORDERED = new Set(['draft', 'active', 'on-hold']);
/** Procedure statuses: performed (or being performed) counts as done; `preparation` is about to happen. */
const PROCEDURE_DONE = new Set(['completed', 'in-progress']);

function dateOf(...candidates: unknown[]): string | undefined {
  return candidates.find((d): d is string => clinicalDate(d) !== undefined);
}

function record(
  concept: Concept,
  category: ProcedureCategory,
  status: ProcedureRecord['status'],
  ref: string,
  cc: CodeableConcept | undefined,
  date: string | undefined,
): ProcedureRecord {
  const rec: ProcedureRecord = { procedure: concept.id, category, status, display: displayOf(cc), sources: [ref] };
  if (date) rec.date = date;
  return rec;
}

function fromServiceRequest(request: ServiceRequest, terminology: Terminology): ProcedureRecord[] {
  if (typeof request.id !== 'string') return [];
  // A proposal is a suggestion (e.g. a CDS card's), not an order.
  if (request.intent === 'proposal') return [];
  const status = REQUEST_ORDERED.has(request.status) ? 'ordered' : request.status === 'completed' ? 'done' : undefined;
  if (!status) return [];
  const found = identifyProcedure(request.code, terminology);
  if (!found) return [];
  const date = dateOf(request.occurrenceDateTime, request.occurrencePeriod?.start, request.authoredOn);
  return [record(found.concept, found.category, status, `ServiceRequest/${request.id}`, request.code, date)];
}

function fromProcedure(procedure: Procedure, terminology: Terminology): ProcedureRecord[] {
  if (typeof procedure.id !== 'string') return [];
  const status = PROCEDURE_DONE.has(procedure.status) ? 'done' : procedure.status === 'preparation' ? 'ordered' : undefined;
  if (!status) return [];
  const found = identifyProcedure(procedure.code, terminology);
  if (!found) return [];
  const date = dateOf(procedure.performedDateTime, procedure.performedPeriod?.start, procedure.performedPeriod?.end);
  return [record(found.concept, found.category, status, `Procedure/${procedure.id}`, procedure.code, date)];
}

/**
 * Procedures ordered or done: ServiceRequest draft/active/on-hold → ordered, completed → done (revoked,
 * entered-in-error, unknown and proposals are ignored); Procedure completed or in progress → done, preparation →
 * ordered (not-done, stopped, on-hold, entered-in-error and unknown are ignored).
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractProcedures(set: ResourceSet, terminology: Terminology, unreadable: string[]): ProcedureRecord[] {
  return [
    ...readEach(set.ofType<ServiceRequest>('ServiceRequest'), (r) => fromServiceRequest(r, terminology), unreadable),
    ...readEach(set.ofType<Procedure>('Procedure'), (p) => fromProcedure(p, terminology), unreadable),
  ];
}
