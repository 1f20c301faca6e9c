/**
 * The patient picture: what the engine reasons over (rules.md §1). Built by `src/fhir/`, owned here so the
 * engine depends on nothing above it. Every fact remembers the resource(s) it came from (`sources`,
 * relative references such as `Observation/123`) and its clinical date, for card detail and audit.
 */

export type HookName = 'patient-view' | 'order-select' | 'order-sign';

export type HistologyClass =
  | 'small-cell'
  | 'large-cell-nec'
  | 'nec-poorly-differentiated'
  | 'net-well-differentiated'
  | 'minen'
  | 'adenocarcinoma'
  | 'neuroendocrine-unspecified';

export type PrimarySite = 'prostate' | 'colon' | 'rectum' | 'pancreas' | 'lung' | 'merkel' | 'unknown' | 'other';

export type DrugClass =
  | 'ADT'
  | 'ARPI'
  | 'ANTIANDROGEN'
  | 'VEGF-TKI'
  | 'PLATINUM'
  | 'ETOPOSIDE'
  | 'TAXANE'
  | 'SSA'
  | 'RADIUM'
  | 'COLORECTAL-REGIMEN'
  | 'CAPTEM'
  | 'CPI'
  | 'PARPI'
  | 'BONE'
  | 'PRRT'
  | 'MTOR/TKI-PNET';

export interface Provenance {
  /** Relative references of the resources the fact was read from, e.g. `DiagnosticReport/dr-1`. */
  sources: string[];
  /** Clinical date (ISO 8601 date or date-time) of the fact, when the data gives one. */
  date?: string;
}

export interface Cancer extends Provenance {
  primarySite: PrimarySite;
  /** What the record calls it (code display or text), for the card. */
  display: string;
}

export interface HistologyFinding extends Provenance {
  histologyClass: HistologyClass;
  display: string;
  /** Organ the specimen came from, when the data says (`liver`, `prostate`, `lung`, `pelvis`, …). */
  specimenSite?: string;
  /** The same specimen also reports an adenocarcinoma component (or combined small cell carcinoma). */
  mixed: boolean;
  /** How the finding was read: a code, or free text (negation and uncertainty already excluded). */
  via: 'code' | 'text';
}

export interface Therapy extends Provenance {
  /** Concept id from the terminology (e.g. `leuprolide`); the name a clinician recognises. */
  drug: string;
  /** As ordered or recorded (e.g. "Lupron Depot 22.5 mg"), for the card detail. */
  asRecorded: string;
  classes: DrugClass[];
  status: 'current' | 'past';
  /** The resource that shows the therapy; a stop suggestion acts on it. */
  ref: string;
  kind: 'request' | 'statement' | 'administration';
}

/** An unsigned order from the hook's context (order-select `draftOrders` / order-sign `draftOrders`). */
export interface DraftOrder {
  ref: string;
  resourceType: string;
  /** Medication drafts: the drug concept, when it could be identified. */
  drug?: string;
  asRecorded: string;
  classes: DrugClass[];
  /** order-select: the draft is one of `selections`; order-sign: every draft is in scope. */
  inScope: boolean;
}

export interface PatientPicture {
  patientRef: string;
  cancers: Cancer[];
  histology: HistologyFinding[];
  therapies: Therapy[];
  draftOrders: DraftOrder[];
  /** Data the service could not read (a FHIR query failed, a reference could not be resolved): said on a card. */
  unreadable: string[];
}

export interface HookContext {
  hook: HookName;
  now: Date;
}
