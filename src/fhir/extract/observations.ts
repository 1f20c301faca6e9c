import type { CodeableConcept, Coding, Observation, ObservationReferenceRange, Quantity } from 'fhir/r4.js';
import type { Fact, LabFact, Maybe, PatientPicture, RenalFunction } from '../../engine/picture.js';
import { refOf, type ResourceSet } from '../resources.js';
import { codingKey, type Concept, type Terminology } from '../terminology.js';
import { readEach } from './guard.js';
import { convertQuantity, type QuantityLike } from './units.js';

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

/** Unit strings of a mitotic count: the WHO 2019 area, the older field count, or neither stated. */
export const MITOSES_UNITS = { per2mm2: 'per 2 mm²', per10Hpf: 'per 10 HPF', perMm2: 'per mm²', notStated: 'unit not stated' } as const;

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

const LOINC = 'http://loinc.org';
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

/** Observation and ObservationComponent share the value and reference range elements. */
interface Carrier {
  code?: CodeableConcept;
  valueQuantity?: Quantity;
  valueInteger?: number;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  referenceRange?: ObservationReferenceRange[];
  interpretation?: CodeableConcept[];
}

interface Reading {
  carrier: Carrier;
  ref: string;
  date?: string;
  /** Sort keys, ms since epoch; undated readings sort last. */
  time: number;
  issued: number;
}

const isObject = <T>(value: T | null | undefined): value is T => value !== null && typeof value === 'object';
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

function codingsOf(cc: CodeableConcept | undefined): Coding[] {
  return isObject(cc) && Array.isArray(cc.coding) ? cc.coding.filter(isObject) : [];
}

function codeText(cc: CodeableConcept | undefined): string {
  if (!isObject(cc)) return '';
  return [cc.text, ...codingsOf(cc).map((c) => c.display)].filter((t): t is string => typeof t === 'string').join(' | ');
}

function conceptIdsOf(cc: CodeableConcept | undefined, terminology: Terminology): string[] {
  const codings = codingsOf(cc);
  const ids = new Set<string>();
  for (const coding of codings) for (const concept of terminology.conceptsForCoding(coding)) if (WANTED.has(concept.id)) ids.add(concept.id);
  if (ids.size > 0) return [...ids];
  const text = codeText(cc);
  if (MITOTIC_TEXT.test(text) && !NOT_MITOTIC_TEXT.test(text)) return [MITOTIC];
  if (codings.some((c) => codingKey(c.system, c.code)?.startsWith(`${LOINC}|`))) return [];
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
  return str(obs.effectiveDateTime) ?? str(period?.start) ?? str(period?.end) ?? str(obs.effectiveInstant) ?? str(obs.issued);
}

function timeOf(date: string | undefined): number {
  const ms = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** The readings one Observation gives, by concept: its own value, else a component of the same concept (panels). */
function readingsOf(obs: Observation, terminology: Terminology): [string, Reading][] {
  if (typeof obs.status !== 'string' || !ACCEPTED_STATUS.has(obs.status)) return [];
  const date = dateOf(obs);
  const base = { ref: refOf(obs) ?? 'Observation/(no id)', ...(date !== undefined ? { date } : {}), time: timeOf(date), issued: timeOf(str(obs.issued)) };
  const carriers = new Map<string, Carrier[]>();
  const add = (id: string, carrier: Carrier) => carriers.set(id, [...(carriers.get(id) ?? []), carrier]);
  for (const id of conceptIdsOf(obs.code, terminology)) add(id, obs);
  const components = Array.isArray(obs.component) ? obs.component.filter(isObject) : [];
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

const COMPARATORS = new Set(['<', '<=', '>', '>=']);
type Comparator = NonNullable<LabFact['comparator']>;

function comparatorOf(text: string | undefined): Comparator | undefined {
  if (text === '≤') return '<=';
  if (text === '≥') return '>=';
  return text !== undefined && COMPARATORS.has(text) ? (text as Comparator) : undefined;
}

/** "< 0.1 ng/mL", "7.2" → number, comparator and the unit text after it. */
function parseNumberString(text: string): { value: number; comparator?: Comparator; unit?: string } | undefined {
  const m = /^\s*(<=|>=|≤|≥|<|>)?\s*(\d+(?:\.\d+)?|\.\d+)\s*(\S.*)?$/.exec(text);
  if (!m) return undefined;
  const comparator = comparatorOf(m[1]);
  return { value: Number(m[2]), ...(comparator ? { comparator } : {}), ...(m[3] ? { unit: m[3].trim() } : {}) };
}

function when(reading: Reading): string {
  return reading.date ?? 'undated';
}

/** What a reading gives: a fact, or the reason it cannot be used. */
type ReadResult<F> = { fact: F } | { problem: string };

function latest<T, F extends Fact<T>>(readings: Reading[] | undefined, label: string, read: (r: Reading) => ReadResult<F>): Maybe<T, F> {
  const [newest, ...older] = readings ?? [];
  if (!newest) return { missing: true, reason: `no ${label} recorded` };
  const result = read(newest);
  if ('fact' in result) return result.fact;
  let olderNote = '';
  for (const reading of older) {
    const r = read(reading);
    if ('fact' in r) {
      olderNote = `; the older value ${String(r.fact.value)}${r.fact.unit ? ` ${r.fact.unit}` : ''} of ${when(reading)} is not used`;
      break;
    }
  }
  return { missing: true, reason: `latest ${label} (${when(newest)}, ${newest.ref}): ${result.problem}${olderNote}` };
}

function provenance(reading: Reading): { sources: string[]; date?: string } {
  return { sources: [reading.ref], ...(reading.date !== undefined ? { date: reading.date } : {}) };
}

function isNormalRange(range: ObservationReferenceRange): boolean {
  const codes = codingsOf(range.type).map((c) => c.code);
  return codes.length === 0 || codes.includes('normal');
}

/** Reference range limits in the canonical unit; a limit without a unit is in the value's unit. */
function referenceLimits(carrier: Carrier, concept: Concept): Pick<LabFact, 'referenceHigh' | 'referenceLow'> {
  const ranges = Array.isArray(carrier.referenceRange) ? carrier.referenceRange.filter(isObject) : [];
  const range = ranges.find(isNormalRange);
  if (!range) return {};
  const valueUnit = isObject(carrier.valueQuantity) ? carrier.valueQuantity : undefined;
  const limit = (q: Quantity | undefined) => {
    if (!isObject(q)) return undefined;
    const c = convertQuantity(q, concept, valueUnit);
    return c.ok ? c.value : undefined;
  };
  const high = limit(range.high);
  const low = limit(range.low);
  return { ...(high !== undefined ? { referenceHigh: high } : {}), ...(low !== undefined ? { referenceLow: low } : {}) };
}

function labFact(reading: Reading, concept: Concept, quantity: QuantityLike, comparator: Comparator | undefined): ReadResult<LabFact> {
  const converted = convertQuantity(quantity, concept);
  if (!converted.ok) return { problem: converted.reason };
  return {
    fact: {
      value: converted.value,
      unit: converted.unit,
      ...provenance(reading),
      ...referenceLimits(reading.carrier, concept),
      ...(comparator ? { comparator } : {}),
    },
  };
}

function readLab(reading: Reading, concept: Concept): ReadResult<LabFact> {
  const { carrier } = reading;
  if (isObject(carrier.valueQuantity) && typeof carrier.valueQuantity.value === 'number') {
    return labFact(reading, concept, carrier.valueQuantity, comparatorOf(carrier.valueQuantity.comparator));
  }
  if (typeof carrier.valueInteger === 'number') return { problem: `value ${carrier.valueInteger} has no unit` };
  const text = str(carrier.valueString);
  if (text !== undefined) {
    const parsed = parseNumberString(text);
    if (!parsed) return { problem: `value "${text}" is not a number` };
    if (parsed.unit === undefined) return { problem: `value "${text}" has no unit` };
    return labFact(reading, concept, { value: parsed.value, unit: parsed.unit }, parsed.comparator);
  }
  return { problem: 'value is not a number' };
}

const KI67_NAME = /\bki[\s-]?67\b|\bmib[\s-]?1\b/gi;
const KI67_NUMBER = /(<=|>=|≤|≥|<|>)?\s*(\d+(?:\.\d+)?)\s*(%)?(?:\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?)\s*(%)?)?/g;

/**
 * Reads a Ki-67 text: "25%" → 25; "20-25%" → 25 (a range: the highest); "<2%" → 2 with "<"; "Ki-67 approximately
 * 80%" → 80; "15 %" → 15. Numbers written with % win over bare numbers ("25% of 500 cells" → 25); above 100 is not a
 * percentage.
 */
export function parseKi67Text(text: string): { value: number; comparator?: Comparator } | undefined {
  const cleaned = text.replace(KI67_NAME, ' ');
  const found: { value: number; comparator?: Comparator; percent: boolean }[] = [];
  for (const m of cleaned.matchAll(KI67_NUMBER)) {
    const upper = m[4] !== undefined ? Number(m[4]) : Number(m[2]);
    const comparator = m[4] === undefined ? comparatorOf(m[1]) : undefined;
    found.push({ value: upper, percent: m[3] !== undefined || m[5] !== undefined, ...(comparator ? { comparator } : {}) });
  }
  const percents = found.filter((f) => f.percent);
  const pool = (percents.length > 0 ? percents : found).filter((f) => f.value >= 0 && f.value <= 100);
  const best = pool.reduce<(typeof pool)[number] | undefined>((top, f) => (top === undefined || f.value > top.value ? f : top), undefined);
  return best ? { value: best.value, ...(best.comparator ? { comparator: best.comparator } : {}) } : undefined;
}

function readKi67(reading: Reading, concept: Concept): ReadResult<LabFact> {
  const { carrier } = reading;
  const text = str(carrier.valueString);
  let result: ReadResult<LabFact>;
  if (typeof carrier.valueInteger === 'number') {
    // An integer Ki-67 cannot be a 0–1 fraction: it is the percentage.
    result = labFact(reading, concept, { value: carrier.valueInteger, code: '%' }, undefined);
  } else if (text !== undefined) {
    const parsed = parseKi67Text(text);
    if (!parsed) return { problem: `value "${text}" could not be read as a percentage` };
    result = labFact(reading, concept, { value: parsed.value, code: '%' }, parsed.comparator);
  } else {
    result = readLab(reading, concept);
  }
  if ('fact' in result && (result.fact.value < 0 || result.fact.value > 100)) return { problem: `value ${result.fact.value} % is not a percentage` };
  return result;
}

function mitosesUnit(texts: (string | undefined)[]): string | undefined {
  const text = texts.filter(Boolean).join(' ');
  if (/10\s*\.?\s*\[?\s*(?:hpf|high[\s-]power)/i.test(text)) return MITOSES_UNITS.per10Hpf;
  if (/2\s*\.?\s*mm\s*(?:2|²|\^2)/i.test(text)) return MITOSES_UNITS.per2mm2;
  if (/mm\s*(?:2|²|\^2)/i.test(text)) return MITOSES_UNITS.perMm2;
  return undefined;
}

/** A count, not a conversion: the value is kept and the unit says what it was counted over. */
function readMitoses(reading: Reading): ReadResult<LabFact> {
  const { carrier } = reading;
  const q = isObject(carrier.valueQuantity) ? carrier.valueQuantity : undefined;
  const text = str(carrier.valueString);
  const parsed = text !== undefined ? parseNumberString(text) : undefined;
  const value = typeof q?.value === 'number' ? q.value : typeof carrier.valueInteger === 'number' ? carrier.valueInteger : parsed?.value;
  if (value === undefined) return { problem: 'value is not a number' };
  const written = q ? str(q.unit) ?? str(q.code) : parsed?.unit;
  const countOnly = written === undefined || /^(?:1|\{[^}]*\}|mitoses|mitotic figures)$/i.test(written.trim());
  const unit = mitosesUnit([written, codeText(carrier.code)]) ?? (countOnly ? MITOSES_UNITS.notStated : undefined);
  if (!unit) return { problem: `unknown unit "${written}"` };
  const comparator = comparatorOf(q?.comparator) ?? parsed?.comparator;
  return { fact: { value, unit, ...provenance(reading), ...(comparator ? { comparator } : {}) } };
}

/** LOINC answers LL529-9: ECOG 0 … 5. */
const ECOG_ANSWERS: Record<string, number> = { 'LA9622-7': 0, 'LA9623-5': 1, 'LA9624-3': 2, 'LA9625-0': 3, 'LA9626-8': 4, 'LA9627-6': 5 };

function ecogAnswer(concepts: (CodeableConcept | undefined)[]): number | undefined {
  for (const cc of concepts) {
    for (const coding of codingsOf(cc)) {
      const key = codingKey(coding.system, coding.code);
      const score = key?.startsWith(`${LOINC}|`) ? ECOG_ANSWERS[key.slice(LOINC.length + 1)] : undefined;
      if (score !== undefined) return score;
    }
  }
  return undefined;
}

function numberOf(carrier: Carrier): number | undefined {
  if (typeof carrier.valueInteger === 'number') return carrier.valueInteger;
  if (isObject(carrier.valueQuantity) && typeof carrier.valueQuantity.value === 'number') return carrier.valueQuantity.value;
  const text = str(carrier.valueString);
  const m = text !== undefined ? /^\s*(?:ecog|karnofsky|kps)?\s*:?\s*(\d+)\s*%?\s*$/i.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

function readEcog(reading: Reading): ReadResult<Fact<number>> {
  const { carrier } = reading;
  const score = numberOf(carrier) ?? ecogAnswer([carrier.valueCodeableConcept, ...(Array.isArray(carrier.interpretation) ? carrier.interpretation : [])]);
  if (score === undefined) return { problem: 'no ECOG score in the value' };
  if (!Number.isInteger(score) || score < 0 || score > 5) return { problem: `ECOG ${score} is not a score 0–5` };
  return { fact: { value: score, ...provenance(reading) } };
}

/** Karnofsky → ECOG: 90–100 → 0, 70–80 → 1, 50–60 → 2, 30–40 → 3, 10–20 → 4, 0 → 5. */
export function karnofskyToEcog(karnofsky: number): number {
  if (karnofsky >= 90) return 0;
  if (karnofsky >= 70) return 1;
  if (karnofsky >= 50) return 2;
  if (karnofsky >= 30) return 3;
  if (karnofsky >= 10) return 4;
  return 5;
}

function readKarnofsky(reading: Reading): ReadResult<Fact<number>> {
  const kps = numberOf(reading.carrier);
  if (kps === undefined) return { problem: 'no Karnofsky score in the value' };
  if (kps < 0 || kps > 100) return { problem: `Karnofsky ${kps} is not a score 0–100` };
  // Fact has no note field: the unit carries the basis so the card can say the ECOG was mapped.
  return { fact: { value: karnofskyToEcog(kps), unit: `ECOG mapped from Karnofsky ${kps} %`, ...provenance(reading) } };
}

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
  return { problem: isObject(value) ? `status "${codeText(value) || codingsOf(value)[0]?.code || 'uncoded'}" is not one the service knows` : 'no coded status' };
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
  for (const [id, reading] of readEach(set.ofType<Observation>('Observation'), (o) => readingsOf(o, terminology), unreadable)) {
    byConcept.set(id, [...(byConcept.get(id) ?? []), reading]);
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
