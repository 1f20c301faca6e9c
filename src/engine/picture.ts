/**
 * The patient picture: what the engine reasons over (rules.md §1). Built by `src/fhir/`, owned here so the
 * engine depends on nothing above it. Every fact remembers the resource(s) it came from (`sources`,
 * relative references such as `Observation/123`) and its clinical date, for card detail and audit. A fact the
 * data does not give is an explicit `Missing` with the reason, never `undefined`.
 */

export type HookName = 'patient-view' | 'order-select' | 'order-sign';

export type HistologyClass =
  'small-cell' | 'large-cell-nec' | 'nec-poorly-differentiated' | 'net-well-differentiated' | 'minen' | 'adenocarcinoma' | 'neuroendocrine-unspecified';

type Differentiation = 'well' | 'poor' | 'unknown';

export type PrimarySite = 'prostate' | 'colon' | 'rectum' | 'pancreas' | 'lung' | 'merkel' | 'unknown' | 'other';

export type MetastasisSite = 'liver' | 'lung' | 'pleura' | 'bone' | 'brain' | 'lymph-node' | 'peritoneum' | 'adrenal' | 'other';

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

/** A fact the data gives: its value (in the canonical unit when it has one), date and sources. */
export interface Fact<T> extends Provenance {
  value: T;
  unit?: string;
}

/** A fact the data does not give, and why ("no weight recorded", "creatinine in an unknown unit: mmol/mol"). */
export interface Missing {
  missing: true;
  reason: string;
}

export type Maybe<T, F extends Fact<T> = Fact<T>> = F | Missing;

/** Narrows a `Maybe` to the fact. */
export function isKnown<T, F extends Fact<T>>(value: Maybe<T, F>): value is F {
  return !('missing' in value);
}

/** A lab value in its canonical unit, with the reporting lab's reference range when it gives one (ULN checks). */
export interface LabFact extends Fact<number> {
  unit: string;
  /** Upper limit of normal, in the canonical unit. */
  referenceHigh?: number;
  referenceLow?: number;
  /** "<" for "< 2 %", ">" for "> 1000": the value is a bound, not a measurement. */
  comparator?: '<' | '<=' | '>' | '>=';
}

export interface Cancer extends Provenance {
  primarySite: PrimarySite;
  /** What the record calls it (code display or text), for the card. */
  display: string;
}

export interface HistologyFinding extends Provenance {
  histologyClass: HistologyClass;
  differentiation: Differentiation;
  display: string;
  /** Organ the specimen came from, when the data says (`liver`, `prostate`, `lung`, `pelvis`, …). */
  specimenSite?: string;
  /** The same specimen also reports an adenocarcinoma component (or combined small cell carcinoma). */
  mixed: boolean;
  /** How the finding was read: a code, or free text (negation and uncertainty already excluded). */
  via: 'code' | 'text';
}

/** Only from secondary-neoplasm Conditions (ICD-10 C77–C79, C7B, SNOMED, mCODE secondary cancer condition). */
export interface Metastasis extends Provenance {
  site: MetastasisSite;
  visceral: boolean;
  display: string;
}

export type NenClass = 'NEC' | 'NET-G1' | 'NET-G2' | 'NET-G3' | 'high-grade-NEN-unclear' | 'NET-G1/G2-presumed' | 'NEN-ungraded' | 'not-neuroendocrine';

/** rules.md §2: the neuroendocrine class and how it was reached, for the card. */
export interface NenClassification extends Provenance {
  nenClass: NenClass;
  /** The grading system used: WHO 2019 digestive / unknown primary (Ki-67, mitoses per 2 mm²) or lung (mitoses, necrosis). */
  gradingSystem: 'who-2019-digestive' | 'who-lung' | 'none';
  /** Why, in words: "small cell histology", "well differentiated, Ki-67 12 % → G2". */
  basis: string;
  /** NEC with Ki-67 ≤ 20 %: stays NEC, pathology review advised. */
  atypicalKi67?: boolean;
  /** MiNEN: the neuroendocrine part is classed on its own. */
  mixed: boolean;
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
  /**
   * Depot given by administration: the next dose is due at the labelled interval; it counts as current until the
   * upper end of the product's range plus the grace days. The action is "do not give the next dose".
   */
  depot?: { intervalDays: number; lastGiven: string; nextDoseDue: string };
  /** Last date the therapy is known to have been given or active (end of period, last administration). */
  lastDate?: string;
  /** Route as recorded (`oral`, `intravenous`, …), when known: dose checks are IV only for etoposide. */
  route?: string;
  /** Dose as ordered or given, when stated. */
  dose?: { value: number; unit: string };
}

/** An unsigned order from the hook's context (order-select `draftOrders` / order-sign `draftOrders`). */
export interface DraftOrder {
  ref: string;
  resourceType: string;
  /** Medication drafts: the drug concept, when it could be identified. */
  drug?: string;
  /** ServiceRequest drafts: the procedure concept (terminology id), when it could be identified. */
  procedure?: string;
  asRecorded: string;
  classes: DrugClass[];
  /** order-select: the draft is one of `selections`; order-sign: every draft is. */
  inScope: boolean;
  route?: string;
  dose?: { value: number; unit: string };
  /** Reason for the order as coded/written ("symptom control", a condition), when given. */
  reason?: string;
}

export type ProcedureCategory = 'biopsy' | 'liver-directed' | 'surgery' | 'lab' | 'imaging' | 'pathology-review' | 'genomic-test' | 'other';

/** A ServiceRequest (ordered) or Procedure (done) the rules care about. */
export interface ProcedureRecord extends Provenance {
  /** Terminology concept id (`liver-biopsy`, `tace`, `ct-chest-abdomen-pelvis`, `psa-test-order`, …). */
  procedure: string;
  category: ProcedureCategory;
  status: 'ordered' | 'done';
  display: string;
}

export type BiomarkerResult = 'positive' | 'negative' | 'indeterminate';

export interface Biomarkers {
  brafV600E: Maybe<BiomarkerResult>;
  /** MSI-high or mismatch-repair deficient. */
  msiHighOrDmmr: Maybe<BiomarkerResult>;
  /** Tumour mutational burden, mutations per megabase. */
  tmb: Maybe<number>;
  /** A pathogenic alteration in a homologous recombination repair gene (BRCA1/2, ATM, …). */
  hrr: Maybe<BiomarkerResult>;
}

export interface RenalFunction {
  /** Serum creatinine, mg/dL. */
  creatinine: Maybe<number, LabFact>;
  /** eGFR as reported, mL/min/1.73 m². */
  egfr: Maybe<number, LabFact>;
  /** Cockcroft–Gault creatinine clearance, mL/min, with the formula and inputs recorded. */
  crcl: Maybe<number, DerivedFact>;
  /** GFR for dosing, in the order rules.md §1 gives: measured GFR, Cockcroft–Gault, de-indexed eGFR. */
  gfrForDosing: Maybe<number, DerivedFact>;
}

/** A value computed from other facts: says how, from what, and carries the oldest input's date. */
export interface DerivedFact extends Fact<number> {
  method: string;
  /** Human-readable formula with the values used, for the card ("(140 − 74) × 78.4 kg / (72 × 1.1 mg/dL)"). */
  formula: string;
}

export interface PatientPicture {
  patientRef: string;
  /** Years at the time of the hook call. */
  age: Maybe<number>;
  sex: Maybe<'male' | 'female' | 'other' | 'unknown'>;
  cancers: Cancer[];
  histology: HistologyFinding[];
  /** Latest Ki-67 index, %. */
  ki67: Maybe<number, LabFact>;
  /** Latest mitotic count, per 2 mm². */
  mitoticCount: Maybe<number, LabFact>;
  nen: NenClassification;
  metastases: Metastasis[];
  /** Castration-resistant prostate cancer, and on what basis (Condition, PCWG3 PSA progression, …). */
  castrationResistant: Maybe<boolean, Fact<boolean> & { basis: string }>;
  /** All PSA values, newest first, ng/mL. */
  psa: LabFact[];
  testosterone: Maybe<number, LabFact>;
  renal: RenalFunction;
  /** kg */
  weight: Maybe<number>;
  /** cm */
  height: Maybe<number>;
  /** m², Mosteller. */
  bsa: Maybe<number, DerivedFact>;
  labs: {
    anc: Maybe<number, LabFact>;
    platelets: Maybe<number, LabFact>;
    hemoglobin: Maybe<number, LabFact>;
    wbc: Maybe<number, LabFact>;
    ast: Maybe<number, LabFact>;
    alt: Maybe<number, LabFact>;
    bilirubin: Maybe<number, LabFact>;
    alp: Maybe<number, LabFact>;
    magnesium?: Maybe<number, LabFact>;
    potassium?: Maybe<number, LabFact>;
  };
  markers: { chromograninA: Maybe<number, LabFact>; nse: Maybe<number, LabFact> };
  ecog: Maybe<number>;
  /** Active peripheral neuropathy Condition. */
  neuropathy: Maybe<string>;
  diseaseStatus: Maybe<'progressing' | 'stable' | 'responding' | 'unknown'>;
  therapies: Therapy[];
  draftOrders: DraftOrder[];
  procedures: ProcedureRecord[];
  biomarkers: Biomarkers;
  /** Data the service could not read (a FHIR query failed, a reference could not be resolved): said on a card. */
  unreadable: string[];
}

export interface HookContext {
  hook: HookName;
  now: Date;
  settings: RuleSettings;
}

/**
 * The numbers rules.md says to keep configurable (thresholds that are common practice or not in the seeds).
 * Defaults in `DEFAULT_RULE_SETTINGS`; `src/config.ts` may override them.
 */
export interface RuleSettings {
  /** "Elderly" for carboplatin preference (rules.md: the seeds say "elderly"; 70 is the configurable default). */
  elderlyAge: number;
  /** Weight, height and creatinine older than this are not used for a dose; labs older than this are not "pre-cycle". */
  inputMaxAgeDays: number;
  /** "Low PSA" for suspected small cell transformation (Aparicio 2013 C5: ≤ 10 ng/mL). */
  lowPsaNgMl: number;
  /** A PSA within this many days counts as recent. */
  recentPsaDays: number;
  /** A metastasis with onset within this many days is new. */
  newMetastasisDays: number;
  /** A metastasis biopsy within this many days counts as recent. */
  recentBiopsyDays: number;
  /** Regimen co-occurrence window (platinum + etoposide in one cycle). */
  regimenWindowDays: number;
  /** Carboplatin AUC proposed by start-platinum-etoposide. */
  carboplatinAuc: number;
  /** Cisplatin mg/m² proposed by start-platinum-etoposide. */
  cisplatinMgM2: number;
  /** Etoposide mg/m²/day proposed by start-platinum-etoposide. */
  etoposideMgM2: number;
  /** Tumour mutational burden at or above this is "high" (mutations/Mb). */
  tmbHighPerMb: number;
  /** Imaging within this many weeks counts as recent (psa-unreliable-nepc adds a CT otherwise). */
  recentImagingWeeks: number;
  /** Platinum-free interval for a platinum re-challenge (ENETS: ≥ 3 months extrapulmonary). */
  platinumRechallengeMonths: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  elderlyAge: 70,
  inputMaxAgeDays: 7,
  lowPsaNgMl: 10,
  recentPsaDays: 60,
  newMetastasisDays: 180,
  recentBiopsyDays: 90,
  regimenWindowDays: 21,
  carboplatinAuc: 5,
  cisplatinMgM2: 75,
  etoposideMgM2: 100,
  tmbHighPerMb: 10,
  recentImagingWeeks: 9,
  platinumRechallengeMonths: 3,
};
