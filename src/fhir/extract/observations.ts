import type { CodeableConcept, Observation } from 'fhir/r4.js';
import type { Fact, LabFact, Maybe, PatientPicture, RenalFunction } from '../../engine/picture.js';
import { refOf, type ResourceSet } from '../resources.js';
import { canonicalSystem, codingKey, type Concept, type Terminology } from '../terminology.js';
import { readEach } from './guard.js';
import { readKi67 } from './ki67.js';
import { readMitoses } from './mitoses.js';
import {
  type Carrier,
  codeText,
  codingsOf,
  isObject,
  latest,
  LOINC,
  provenance,
  readLab,
  type Reading,
  type ReadResult,
  str,
  when,
} from './observation-reading.js';
import { readEcog, readKarnofsky } from './performance-status.js';
import { clinicalDate } from './dates.js';

/** The Observation-derived facts of the patient picture (rules.md §1), typed as the picture's fields. */
export interface ObservationFacts {
  ki67: PatientPicture['ki67'];
  mitoticCount: PatientPicture['mitoticCount'];
  psa: PatientPicture['psa'];
  testosterone: PatientPicture['testosterone'];
  creatinine: RenalFunction['creatinine'];
  egfr: RenalFunction['egfr'];
  weight: PatientPicture['weight'];
  height: PatientPicture['height'];
  labs: PatientPicture['labs'];
  markers: PatientPicture['markers'];
  ecog: PatientPicture['ecog'];
  diseaseStatus: PatientPicture['diseaseStatus'];
}

/**
 * Only verified results count. `preliminary` is left out on purpose: a preliminary count or creatinine can still
 * change, and a dose or a "labs are fine" decision must not rest on it (the card then says the latest final value
 * and its date, or that none exists).
 */
const ACCEPTED_STATUS = new Set(['final', 'amended', 'corrected']);

const LAB_LABELS = {
  psa: 'PSA',
  testosterone: 'testosterone',
  'creatinine-serum': 'serum creatinine',
  egfr: 'eGFR',
  anc: 'absolute neutrophil count',
  platelets: 'platelet count',
  hemoglobin: 'hemoglobin',
  wbc: 'white blood cell count',
  ast: 'AST',
  alt: 'ALT',
  'bilirubin-total': 'total bilirubin',
  'alkaline-phosphatase': 'alkaline phosphatase',
  'chromogranin-a': 'chromogranin A',
  nse: 'neuron-specific enolase',
  'body-weight': 'body weight',
  'body-height': 'body height',
  ki67: 'Ki-67',
} as const;

type LabConceptId = keyof typeof LAB_LABELS;
const MITOTIC = 'mitotic-count';
const OTHER_CONCEPTS = ['ecog', 'karnofsky', 'cancer-disease-status', MITOTIC] as const;
const WANTED = new Set<string>([...Object.keys(LAB_LABELS), ...OTHER_CONCEPTS]);

const MITOTIC_TEXT = /\bmitos[ie]s\b|\bmitotic\b/i;
/** Mitotane is a drug; a Nottingham "mitotic score" is a 1–3 score, not a count. */
const NOT_MITOTIC_TEXT = /mitotane|score/i;

/**
 * Name matches for Observations that carry no LOINC coding at all (local lab codes only). An Observation with a LOINC
 * coding is matched by code alone: LOINC 85337-4 is sometimes labelled "Ki-67" in public samples but is the oestrogen
 * receptor, and must not become a Ki-67 by its display.
 */
const TEXT_FALLBACK: { id: LabConceptId; include: RegExp; exclude?: RegExp }[] = [
  { id: 'ki67', include: /\bki[\s-]?67\b|\bmib[\s-]?1\b/i },
  { id: 'creatinine-serum', include: /\bcreatinine\b/i, exclude: /urine|clearance|ratio|kinase|gfr/i },
];

const LOINC_PREFIX = `${LOINC}|`;
const NO_IDS: string[] = [];
const NO_COMPONENTS: NonNullable<Observation['component']> = [];

/** `codingKey(system, code)` starts with `http://loinc.org|`, without building the key for well-formed codings. */
function isLoinc(c: { system?: unknown; code?: unknown }): boolean {
  if (typeof c.system === 'string' && typeof c.code === 'string') {
    if (c.system === '' || c.code === '') return false;
    const system = canonicalSystem(c.system);
    return system === LOINC || system.startsWith(LOINC_PREFIX);
  }
  return codingKey(c.system, c.code)?.startsWith(LOINC_PREFIX) === true;
}

/** Whether the text or a coding display of a concept matches (what `re.test(codeText(cc))` answers, without joining). */
function someText(cc: CodeableConcept | undefined, re: RegExp): boolean {
  if (!isObject(cc)) return false;
  if (typeof cc.text === 'string' && re.test(cc.text)) return true;
  return codingsOf(cc).some((c) => typeof c.display === 'string' && re.test(c.display));
}

function conceptIdsOf(cc: CodeableConcept | undefined, terminology: Terminology): string[] {
  const codings = codingsOf(cc);
  let ids: string[] | undefined;
  // Indexed loops: this runs for every coding of every Observation, and for-of over the terminology's (frozen)
  // lists allocated an iterator each time.
  for (let i = 0; i < codings.length; i++) {
    const concepts = terminology.conceptsForCoding(codings[i]!);
    for (let j = 0; j < concepts.length; j++) {
      const concept = concepts[j]!;
      if (!WANTED.has(concept.id)) continue;
      if (!ids) ids = [concept.id];
      else if (!ids.includes(concept.id)) ids.push(concept.id);
    }
  }
  if (ids) return ids;
  // The words are tested one by one rather than joined: the ' | ' between them keeps any match inside one of them.
  if (someText(cc, MITOTIC_TEXT) && !someText(cc, NOT_MITOTIC_TEXT)) return [MITOTIC];
  if (codings.some(isLoinc)) return NO_IDS;
  const text = codeText(cc);
  return TEXT_FALLBACK.filter((f) => f.include.test(text) && !f.exclude?.test(text)).map((f) => f.id);
}

function hasValue(carrier: Carrier, conceptId: string): boolean {
  if (isObject(carrier.valueQuantity) && typeof carrier.valueQuantity.value === 'number') return true;
  if (typeof carrier.valueInteger === 'number' || str(carrier.valueString) !== undefined || isObject(carrier.valueCodeableConcept)) return true;
  return conceptId === 'ecog' && Array.isArray(carrier.interpretation) && carrier.interpretation.length > 0;
}

const hasComparator = (carrier: Carrier) => isObject(carrier.valueQuantity) && carrier.valueQuantity.comparator !== undefined;

function dateOf(obs: Observation): string | undefined {
  const period = isObject(obs.effectivePeriod) ? obs.effectivePeriod : undefined;
  return (
    clinicalDate(obs.effectiveDateTime) ??
    clinicalDate(period?.start) ??
    clinicalDate(period?.end) ??
    clinicalDate(obs.effectiveInstant) ??
    clinicalDate(obs.issued)
  );
}

function timeOf(date: string | undefined): number {
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** The readings one Observation gives, by concept: its own value, else a component of the same concept (panels). */
function readingsOf(obs: Observation, terminology: Terminology): [string, Reading][] {
  if (typeof obs.status !== 'string' || !ACCEPTED_STATUS.has(obs.status)) return [];
  const ownIds = conceptIdsOf(obs.code, terminology);
  const components = Array.isArray(obs.component) ? obs.component.filter(isObject) : NO_COMPONENTS;
  if (ownIds.length === 0 && components.length === 0) return []; // most Observations: nothing the picture reads
  const date = dateOf(obs);
  const ref = refOf(obs) ?? 'Observation/(no id)';
  const time = timeOf(date);
  const issued = timeOf(str(obs.issued));
  if (components.length === 0) {
    // No panel: the Observation is the only carrier of each of its concepts.
    const out: [string, Reading][] = [];
    for (const id of ownIds)
      if (hasValue(obs, id)) out.push([id, date !== undefined ? { ref, date, time, issued, carrier: obs } : { ref, time, issued, carrier: obs }]);
    return out;
  }
  const base = date !== undefined ? { ref, date, time, issued } : { ref, time, issued };
  const carriers = new Map<string, Carrier[]>();
  const add = (id: string, carrier: Carrier) => {
    const list = carriers.get(id);
    if (list) list.push(carrier);
    else carriers.set(id, [carrier]);
  };
  for (const id of ownIds) add(id, obs);
  for (const component of components) for (const id of conceptIdsOf(component.code, terminology)) add(id, component);
  const out: [string, Reading][] = [];
  for (const [id, list] of carriers) {
    const withValue = list.filter((c) => hasValue(c, id));
    // Several components of one concept (race-specific MDRD eGFR): an exact value beats a bound such as "> 60".
    const carrier = withValue.find((c) => !hasComparator(c)) ?? withValue[0];
    if (carrier) out.push([id, { ...base, carrier }]);
  }
  return out;
}

/** Descending; written out because -Infinity − -Infinity (two undated readings) is NaN. */
const descending = (x: number, y: number) => (x === y ? 0 : x < y ? 1 : -1);
const newestFirst = (a: Reading, b: Reading) => descending(a.time, b.time) || descending(a.issued, b.issued);

type DiseaseStatus = 'progressing' | 'stable' | 'responding' | 'unknown';
const DISEASE_STATUSES = new Set<string>(['progressing', 'stable', 'responding', 'unknown']);

function readDiseaseStatus(reading: Reading, concept: Concept): ReadResult<Fact<DiseaseStatus>> {
  const value = reading.carrier.valueCodeableConcept;
  for (const coding of codingsOf(value)) {
    const key = codingKey(coding.system, coding.code);
    const known = concept.valueCodes?.find((v) => v.verifiedFrom !== null && codingKey(v.system, v.code) === key);
    // `maps` may carry a gloss ("progressing (or new metastasis)"): its first word is the status.
    const status = known?.maps?.split(/\s/)[0];
    if (status && DISEASE_STATUSES.has(status)) return { fact: { value: status as DiseaseStatus, ...provenance(reading) } };
  }
  return {
    problem: isObject(value) ? `status "${codeText(value) || codingsOf(value)[0]?.code || 'uncoded'}" is not one the service knows` : 'no coded status',
  };
}

function plain(result: Maybe<number, LabFact>): Maybe<number> {
  if ('missing' in result) return result;
  const { value, unit, sources, date } = result;
  return { value, unit, sources, ...(date !== undefined ? { date } : {}) };
}

/**
 * Lab, vital, marker and status facts from Observations (rules.md §1): verified results only (final, amended,
 * corrected), matched by code (Ki-67 and creatinine also by name when the Observation has no LOINC coding; mitotic
 * count by name), latest by effective date then issued, values converted to the concept's canonical unit. When the
 * latest value cannot be used (unknown unit, unreadable text) the fact is Missing and says so: an older value is
 * never silently put in its place.
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read, and PSA values left out of the series
 */
export function extractObservationFacts(set: ResourceSet, terminology: Terminology, unreadable: string[]): ObservationFacts {
  const byConcept = new Map<string, Reading[]>();
  const pairs = readEach(set.ofType<Observation>('Observation'), (o) => readingsOf(o, terminology), unreadable);
  for (let i = 0; i < pairs.length; i++) {
    // Indexed, not destructured in a for-of: this runs once per reading of every Observation.
    const id = pairs[i]![0];
    const reading = pairs[i]![1];
    const list = byConcept.get(id);
    if (list) list.push(reading);
    else byConcept.set(id, [reading]);
  }
  for (const list of byConcept.values()) list.sort(newestFirst);

  const lab = (id: LabConceptId): Maybe<number, LabFact> => {
    const concept = terminology.concept(id);
    const read = id === 'ki67' ? (r: Reading) => readKi67(r, concept) : (r: Reading) => readLab(r, concept);
    return latest(byConcept.get(id), LAB_LABELS[id], read);
  };

  const psaConcept = terminology.concept('psa');
  const psa: LabFact[] = [];
  for (const reading of byConcept.get('psa') ?? []) {
    const result = readLab(reading, psaConcept);
    if ('fact' in result) psa.push(result.fact);
    else unreadable.push(`${reading.ref}: PSA of ${when(reading)} not used: ${result.problem}`);
  }

  const ecogReadings = byConcept.get('ecog');
  const ecog: Maybe<number> = ecogReadings?.length
    ? latest(ecogReadings, 'ECOG performance status', readEcog)
    : byConcept.get('karnofsky')?.length
      ? latest(byConcept.get('karnofsky'), 'Karnofsky performance status', readKarnofsky)
      : { missing: true, reason: 'no ECOG performance status recorded' };

  const statusConcept = terminology.concept('cancer-disease-status');
  return {
    ki67: lab('ki67'),
    mitoticCount: latest(byConcept.get(MITOTIC), 'mitotic count', readMitoses),
    psa,
    testosterone: lab('testosterone'),
    creatinine: lab('creatinine-serum'),
    egfr: lab('egfr'),
    weight: plain(lab('body-weight')),
    height: plain(lab('body-height')),
    labs: {
      anc: lab('anc'),
      platelets: lab('platelets'),
      hemoglobin: lab('hemoglobin'),
      wbc: lab('wbc'),
      ast: lab('ast'),
      alt: lab('alt'),
      bilirubin: lab('bilirubin-total'),
      alp: lab('alkaline-phosphatase'),
    },
    markers: { chromograninA: lab('chromogranin-a'), nse: lab('nse') },
    ecog,
    diseaseStatus: latest(byConcept.get('cancer-disease-status'), 'cancer disease status', (r) => readDiseaseStatus(r, statusConcept)),
  };
}
