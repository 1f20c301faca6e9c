import type {
  CodeableConcept,
  Coding,
  Dosage,
  Medication,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
  Quantity,
  Reference,
  Resource,
  Timing,
} from 'fhir/r4.js';
import type { DrugClass, Therapy } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { readEach } from './guard.js';
import { identifyDrug, type IdentifiedDrug } from './medication.js';

/**
 * Therapy current vs past (rules.md §1) from MedicationRequest, MedicationStatement and MedicationAdministration.
 *
 * Depots: an administration of a depot product (leuprolide 1-/3-/4-/6-month, goserelin, triptorelin, degarelix,
 * histrelin implant, long-acting somatostatin analogues) is current while the product's window lasts: the next dose
 * is due `intervalDays` after the last one (the labelled schedule: 28, 84, 112, 168, 365), and the therapy counts as
 * current until the *upper* end of the product's range (rules.md: 3-month 84–91 d, 4-month 112–120 d, 6-month
 * 168–180 d) plus the configurable grace, so a late-but-normal next dose does not make ADT look stopped.
 * When the interval cannot be told, the administration counts as current for the shortest depot interval (28 d) plus
 * grace and carries no `depot` (no due date is invented).
 */

export interface TherapyOptions {
  /** The time of the hook call. */
  now: Date;
  /** Days after a depot's window during which it still counts as current. */
  depotGraceDays: number;
}

const DAY_MS = 86_400_000;

const REQUEST_CURRENT = new Set(['active', 'on-hold']);
const REQUEST_PAST = new Set(['completed', 'stopped']);
/** Proposals and plans are not orders: nobody is taking the drug because of them. */
const NOT_AN_ORDER = new Set(['proposal', 'plan']);
const STATEMENT_CURRENT = new Set(['active', 'intended', 'on-hold']);
const STATEMENT_PAST = new Set(['completed', 'stopped']);
const ADMINISTRATION_GIVEN = new Set(['completed', 'in-progress']);

// ---------------------------------------------------------------------------------------------------------------
// Depot windows

/** A depot's schedule: next dose due after `intervalDays`; still current up to `upperDays` (+ grace). */
export interface DepotWindow {
  intervalDays: number;
  upperDays: number;
  /** How the interval was told: product text, dose, or dosage timing. */
  basis: 'product' | 'instructions' | 'dose' | 'timing';
}

const WINDOWS = {
  month1: { intervalDays: 28, upperDays: 28 },
  month3: { intervalDays: 84, upperDays: 91 },
  month4: { intervalDays: 112, upperDays: 120 },
  month6: { intervalDays: 168, upperDays: 180 },
  year: { intervalDays: 365, upperDays: 365 },
} as const;
type WindowName = keyof typeof WINDOWS;

/** Drugs given as depots, and the interval their dose (mg) implies. */
const DEPOT_DOSES: Record<string, Record<string, WindowName>> = {
  leuprolide: { '3.75': 'month1', '7.5': 'month1', '15': 'month1', '11.25': 'month3', '22.5': 'month3', '30': 'month4', '45': 'month6' },
  goserelin: { '3.6': 'month1', '10.8': 'month3' },
  triptorelin: { '3.75': 'month1', '11.25': 'month3', '22.5': 'month6' },
  // 240 mg is the loading dose (as 2 × 120 mg); the 80 mg maintenance dose follows 28 days later, then monthly.
  degarelix: { '80': 'month1', '120': 'month1', '240': 'month1' },
  histrelin: {},
  octreotide: { '10': 'month1', '20': 'month1', '30': 'month1', '40': 'month1' },
  lanreotide: { '60': 'month1', '90': 'month1', '120': 'month1' },
  pasireotide: { '10': 'month1', '20': 'month1', '40': 'month1', '60': 'month1' },
};

/** Somatostatin analogues whose short-acting form is not an SSA for the rules (rules.md §3). */
const SHORT_ACTING_POSSIBLE = new Set(['octreotide', 'pasireotide']);

/** Interval words, longest first so "12 months" is not read as "2 months". */
const INTERVAL_TEXT: { window: WindowName; re: RegExp }[] = [
  { window: 'year', re: /\b(?:12|twelve)[-\s]?months?\b|\b(?:annual(?:ly)?|yearly|once a year)\b|\bevery\s+(?:12\s+months|year)\b|\b(?:q|every\s+)?52\s?w(?:ee)?ks?\b/i },
  { window: 'month6', re: /\b(?:6|six)[-\s]?months?\b|\bq\s?6\s?mo(?:nths?)?\b|\b(?:q|every\s+)24\s?w(?:ee)?ks?\b|\bq\s?24\s?w\b|\bevery\s+(?:6|six)\s+months\b/i },
  { window: 'month4', re: /\b(?:4|four)[-\s]?months?\b|\bq\s?4\s?mo(?:nths?)?\b|\b(?:q|every\s+)16\s?w(?:ee)?ks?\b|\bq\s?16\s?w\b|\bevery\s+(?:4|four)\s+months\b/i },
  { window: 'month3', re: /\b(?:3|three)[-\s]?months?\b|\bq\s?3\s?mo(?:nths?)?\b|\b(?:q|every\s+)12\s?w(?:ee)?ks?\b|\bq\s?12\s?w\b|\bevery\s+(?:3|three)\s+months\b|\bquarterly\b/i },
  { window: 'month1', re: /\b(?:1|one)[-\s]?month\b|\bmonthly\b|\bq\s?4\s?w(?:ee)?ks?\b|\bq\s?28\s?d(?:ays?)?\b|\bevery\s+(?:4\s+weeks|28\s+days|month)\b|\bq\s?(?:1\s?)?mo(?:nth)?\b/i },
];

function windowFromText(texts: string[]): WindowName | undefined {
  for (const text of texts) {
    for (const { window, re } of INTERVAL_TEXT) if (re.test(text)) return window;
  }
  return undefined;
}

const UNIT_DAYS: Record<string, number> = { d: 1, wk: 7, mo: 30.4, a: 365 };

/** Interval from structured timing (`repeat.period` / `periodUnit`, once per period). */
function windowFromTiming(timings: Timing[]): WindowName | undefined {
  for (const timing of timings) {
    const repeat = timing.repeat;
    const period = repeat?.period;
    const unitDays = repeat?.periodUnit ? UNIT_DAYS[repeat.periodUnit] : undefined;
    if (typeof period !== 'number' || !unitDays || (repeat?.frequency ?? 1) !== 1) continue;
    const days = period * unitDays;
    if (days >= 21 && days <= 35) return 'month1';
    if (days >= 77 && days <= 98) return 'month3';
    if (days >= 105 && days <= 126) return 'month4';
    if (days >= 160 && days <= 190) return 'month6';
    if (days >= 330 && days <= 400) return 'year';
  }
  return undefined;
}

/** The per-dose amount in mg a product text states ("0.375 ML leuprolide 60 MG/ML" → 22.5; "Lupron Depot 22.5 mg"). */
export function strengthMg(text: string): number | undefined {
  const perMl = /(\d+(?:\.\d+)?)\s*ML\b[^\d]*?(\d+(?:\.\d+)?)\s*MG\s*\/\s*ML\b/i.exec(text);
  if (perMl) return Math.round(Number(perMl[1]) * Number(perMl[2]) * 1000) / 1000;
  const mg = /(\d+(?:\.\d+)?)\s*MG\b(?!\s*\/)/i.exec(text);
  return mg ? Number(mg[1]) : undefined;
}

/**
 * The depot window of a product, read from the product text ("3-Month", "every 3 months", "q12w"), the dosage
 * instructions' text, the dose (leuprolide 22.5 mg → 3-month) and the dosage timing, in that order.
 * @returns undefined for a drug that is not given as a depot, or when the interval cannot be told
 */
export function depotWindow(drug: string, input: { productTexts: string[]; instructionTexts: string[]; doseMg?: number; timings: Timing[] }): DepotWindow | undefined {
  const doses = DEPOT_DOSES[drug];
  if (!doses) return undefined;
  if (drug === 'histrelin') return { ...WINDOWS.year, basis: 'product' };
  const fromProduct = windowFromText(input.productTexts);
  if (fromProduct) return { ...WINDOWS[fromProduct], basis: 'product' };
  const fromInstructions = windowFromText(input.instructionTexts);
  if (fromInstructions) return { ...WINDOWS[fromInstructions], basis: 'instructions' };
  const mg = input.doseMg ?? input.productTexts.map(strengthMg).find((v) => v !== undefined);
  const fromDose = mg === undefined ? undefined : doses[String(mg)];
  if (fromDose) return { ...WINDOWS[fromDose], basis: 'dose' };
  const fromTiming = windowFromTiming(input.timings);
  if (fromTiming) return { ...WINDOWS[fromTiming], basis: 'timing' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Route, dose, product text

const ROUTE_CODES: Record<string, string> = {
  '26643006': 'oral',
  '47625008': 'intravenous',
  '78421000': 'intramuscular',
  '34206005': 'subcutaneous',
  // HL7 v3 RouteOfAdministration
  PO: 'oral',
  IVINJ: 'intravenous',
  IVINFUS: 'intravenous',
  IM: 'intramuscular',
  SQ: 'subcutaneous',
};

const ROUTE_WORDS: { route: string; re: RegExp }[] = [
  { route: 'intravenous', re: /\bintravenous(?:ly)?\b|\bi\.?v\.?\b|\bivpb\b|\binfusion\b/i },
  { route: 'intramuscular', re: /\bintramuscular(?:ly)?\b|\bi\.?m\.?\b/i },
  { route: 'subcutaneous', re: /\bsub[-\s]?cutaneous(?:ly)?\b|\bsubcut\b|\bs\.?c\.?\b|\bsq\b|\bsubq\b/i },
  { route: 'oral', re: /\boral(?:ly)?\b|\bby mouth\b|\bp\.?o\.?\b/i },
];

/**
 * A route as a clinician says it (`oral`, `intravenous`, `intramuscular`, `subcutaneous`), from SNOMED / HL7 route
 * codes, then the words of the text or displays; otherwise the text as recorded, lower-cased.
 */
export function routeOf(cc: CodeableConcept | undefined): string | undefined {
  if (!cc || typeof cc !== 'object') return undefined;
  for (const coding of Array.isArray(cc.coding) ? cc.coding : []) {
    const route = typeof coding?.code === 'string' ? ROUTE_CODES[coding.code] : undefined;
    if (route) return route;
  }
  const texts = [cc.text, ...(Array.isArray(cc.coding) ? cc.coding.map((c) => c?.display) : [])].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  for (const text of texts) {
    for (const { route, re } of ROUTE_WORDS) if (re.test(text)) return route;
  }
  return texts[0]?.trim().toLowerCase();
}

/** The route a product's dose form implies, when it implies one ("Oral Capsule" → oral). */
export function routeFromProduct(texts: string[]): string | undefined {
  return texts.some((t) => /\boral\b/i.test(t)) ? 'oral' : undefined;
}

function quantityDose(q: Quantity | undefined): { value: number; unit: string } | undefined {
  if (!q || typeof q !== 'object' || typeof q.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = typeof q.code === 'string' && q.code !== '' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return { value: q.value, unit };
}

/** The dose of the first dosage that states one (`doseAndRate[].doseQuantity`). */
export function doseOf(dosages: Dosage[]): { value: number; unit: string } | undefined {
  for (const dosage of dosages) {
    for (const dr of Array.isArray(dosage?.doseAndRate) ? dosage.doseAndRate : []) {
      const dose = quantityDose(dr?.doseQuantity);
      if (dose) return dose;
    }
  }
  return undefined;
}

/** The route of the first dosage that states one. */
export function dosageRoute(dosages: Dosage[]): string | undefined {
  for (const dosage of dosages) {
    const route = routeOf(dosage?.route);
    if (route) return route;
  }
  return undefined;
}

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
}

function conceptTexts(cc: CodeableConcept | undefined): string[] {
  if (!cc || typeof cc !== 'object') return [];
  return [cc.text, ...asArray<Coding>(cc.coding).map((c) => c.display)].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

function resolveMedication(owner: Resource & { contained?: Resource[] }, ref: Reference | undefined, set: ResourceSet): Medication | undefined {
  const target = ref?.reference;
  if (typeof target !== 'string' || target === '') return undefined;
  const found = target.startsWith('#')
    ? asArray(owner.contained).find((r) => r.id === target.slice(1))
    : set.get(target.replace(/^.*\/(Medication\/[^/]+)$/, '$1'));
  return found?.resourceType === 'Medication' ? (found as Medication) : undefined;
}

type MedicationResource = MedicationRequest | MedicationStatement | MedicationAdministration;

/** What the product is called: the medication's text and displays, a resolved Medication's code, form and ingredients. */
export function productTexts(resource: MedicationResource, set: ResourceSet): string[] {
  const texts = conceptTexts(resource.medicationCodeableConcept);
  const ref = resource.medicationReference;
  if (ref && typeof ref === 'object') {
    const medication = resolveMedication(resource, ref, set);
    if (medication) {
      texts.push(...conceptTexts(medication.code), ...conceptTexts(medication.form));
      for (const ingredient of asArray(medication.ingredient)) texts.push(...conceptTexts(ingredient.itemCodeableConcept));
    }
    if (typeof ref.display === 'string' && ref.display.trim() !== '') texts.push(ref.display);
  }
  return texts;
}

function instructionTexts(dosages: Dosage[]): string[] {
  return dosages.flatMap((d) => [d.text, d.patientInstruction, ...conceptTexts(d.timing?.code)]).filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

function doseInMg(dose: { value: number; unit: string } | undefined): number | undefined {
  return dose && /^mg$/i.test(dose.unit.trim()) ? dose.value : undefined;
}

/** Long-acting forms of somatostatin analogues: LAR / depot / suspension, intramuscular, monthly, or ≥ 5 mg a dose. */
const LONG_ACTING_TEXT =
  /\bLAR\b|long[-\s]acting|\bdepot\b|extended[-\s]release|\bsuspension\b|microspheres?\b|\bmonthly\b|\bq\s?4\s?w(?:ee)?ks?\b|\bq\s?28\s?d|\bevery\s+(?:4\s+weeks|28\s+days|month)\b/i;

/**
 * Whether an octreotide / pasireotide product is the long-acting form (an SSA for the rules) rather than the
 * short-acting one given for symptoms (diarrhoea, obstruction, carcinoid crisis). When it cannot be told, it is not
 * counted as an SSA (a warning to stop symptom control would be the worse error).
 */
export function isLongActingSsa(input: { texts: string[]; route?: string; doseMg?: number; timings: Timing[] }): boolean {
  if (input.texts.some((t) => LONG_ACTING_TEXT.test(t))) return true;
  if (input.route === 'intramuscular') return true;
  if (input.doseMg !== undefined && input.doseMg >= 5) return true;
  return windowFromTiming(input.timings) !== undefined;
}

/**
 * The drug classes a therapy carries: the concept's classes, except that short-acting octreotide / pasireotide is
 * not an SSA (rules.md §3).
 */
export function therapyClasses(drug: IdentifiedDrug, input: { texts: string[]; route?: string; doseMg?: number; timings: Timing[] }): DrugClass[] {
  if (!SHORT_ACTING_POSSIBLE.has(drug.concept.id) || isLongActingSsa(input)) return [...drug.classes];
  return drug.classes.filter((c) => c !== 'SSA');
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

function isDateString(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}(-\d{2}(-\d{2})?)?/.test(value);
}

function timeOf(date: string): number {
  return Date.parse(date.length === 4 ? `${date}-01-01` : date.length === 7 ? `${date}-01` : date);
}

function latest(dates: (string | undefined)[]): string | undefined {
  return dates.filter(isDateString).sort((a, b) => timeOf(a) - timeOf(b)).at(-1);
}

function addDays(date: string, days: number): string {
  return new Date(timeOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last date a request says the drug was given or valid (validity period end, timing bounds end or events). */
function requestLastDate(request: MedicationRequest, dosages: Dosage[]): string | undefined {
  const timingDates = dosages.flatMap((d) => [d.timing?.repeat?.boundsPeriod?.end, ...asArray(d.timing?.event)]);
  return latest([request.dispenseRequest?.validityPeriod?.end, ...timingDates]) ?? (isDateString(request.authoredOn) ? request.authoredOn : undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Readers

interface Common {
  drug: IdentifiedDrug;
  texts: string[];
  route?: string;
  dose?: { value: number; unit: string };
  timings: Timing[];
}

function describe(resource: MedicationResource, set: ResourceSet, terminology: Terminology, dosages: Dosage[]): Common | undefined {
  const drug = identifyDrug(resource, set, terminology);
  if (!drug) return undefined;
  const product = productTexts(resource, set);
  const dose = doseOf(dosages);
  const route = dosageRoute(dosages) ?? routeFromProduct(product);
  const timings = dosages.map((d) => d.timing).filter((t): t is Timing => t !== undefined && t !== null && typeof t === 'object');
  return { drug, texts: [...product, ...instructionTexts(dosages)], route, dose, timings };
}

function therapyOf(common: Common, ref: string, kind: Therapy['kind'], status: Therapy['status'], extra: Partial<Therapy>): Therapy {
  const { drug, route, dose } = common;
  const therapy: Therapy = {
    drug: drug.concept.id,
    asRecorded: drug.asRecorded,
    classes: therapyClasses(drug, { texts: common.texts, route, doseMg: doseInMg(dose), timings: common.timings }),
    status,
    ref,
    kind,
    sources: [ref],
    ...extra,
  };
  if (route) therapy.route = route;
  if (dose) therapy.dose = dose;
  for (const key of Object.keys(therapy) as (keyof Therapy)[]) if (therapy[key] === undefined) delete therapy[key];
  return therapy;
}

function fromRequest(request: MedicationRequest, set: ResourceSet, terminology: Terminology): Therapy[] {
  const status = REQUEST_CURRENT.has(request.status) ? 'current' : REQUEST_PAST.has(request.status) ? 'past' : undefined;
  if (!status || typeof request.id !== 'string' || NOT_AN_ORDER.has(request.intent)) return [];
  const dosages = asArray(request.dosageInstruction);
  const common = describe(request, set, terminology, dosages);
  if (!common) return [];
  const date = isDateString(request.authoredOn) ? request.authoredOn : undefined;
  return [therapyOf(common, `MedicationRequest/${request.id}`, 'request', status, { date, lastDate: status === 'past' ? requestLastDate(request, dosages) : undefined })];
}

function fromStatement(statement: MedicationStatement & { wasNotTaken?: boolean }, set: ResourceSet, terminology: Terminology, now: Date): Therapy[] {
  let status: Therapy['status'] | undefined = STATEMENT_CURRENT.has(statement.status) ? 'current' : STATEMENT_PAST.has(statement.status) ? 'past' : undefined;
  if (!status || typeof statement.id !== 'string' || statement.wasNotTaken === true) return [];
  const dosages = asArray(statement.dosage);
  const common = describe(statement, set, terminology, dosages);
  if (!common) return [];
  const period = statement.effectivePeriod;
  const end = isDateString(period?.end) ? period.end : undefined;
  // A statement whose period ended before the hook call is history, whatever its status says.
  if (end && timeOf(end) < now.getTime()) status = 'past';
  const date = [statement.effectiveDateTime, period?.start, statement.dateAsserted].find(isDateString);
  const lastDate = status === 'past' ? (end ?? (isDateString(statement.effectiveDateTime) ? statement.effectiveDateTime : undefined)) : undefined;
  return [therapyOf(common, `MedicationStatement/${statement.id}`, 'statement', status, { date, lastDate })];
}

function fromAdministration(administration: MedicationAdministration, set: ResourceSet, terminology: Terminology, opts: TherapyOptions): Therapy[] {
  if (!ADMINISTRATION_GIVEN.has(administration.status) || typeof administration.id !== 'string') return [];
  const dosage = administration.dosage && typeof administration.dosage === 'object' ? administration.dosage : undefined;
  // An administration's dosage has `dose` and `route` (not doseAndRate): read it as a one-dosage list.
  const asDosage: Dosage[] = dosage ? [{ text: dosage.text, route: dosage.route, doseAndRate: dosage.dose ? [{ doseQuantity: dosage.dose }] : undefined }] : [];
  const common = describe(administration, set, terminology, asDosage);
  if (!common) return [];
  const period = administration.effectivePeriod;
  const given = [administration.effectiveDateTime, period?.end, period?.start].find(isDateString);
  const ref = `MedicationAdministration/${administration.id}`;
  const date = [administration.effectiveDateTime, period?.start].find(isDateString);
  if (!given) {
    // No date: only an infusion running now is known to be current.
    return administration.status === 'in-progress' ? [therapyOf(common, ref, 'administration', 'current', { date })] : [];
  }
  const longActing = !SHORT_ACTING_POSSIBLE.has(common.drug.concept.id) || isLongActingSsa({ texts: common.texts, route: common.route, doseMg: doseInMg(common.dose), timings: common.timings });
  const window = longActing
    ? depotWindow(common.drug.concept.id, {
        productTexts: productTexts(administration, set),
        instructionTexts: instructionTexts(asDosage),
        doseMg: doseInMg(common.dose),
        timings: common.timings,
      })
    : undefined;
  const lastGiven = given.slice(0, 10);
  // Whole days since the day it was given: "current up to day N" includes all of day N.
  const daysSince = Math.floor((opts.now.getTime() - timeOf(lastGiven)) / DAY_MS);
  if (window) {
    const current = administration.status === 'in-progress' || daysSince <= window.upperDays + opts.depotGraceDays;
    return [
      therapyOf(common, ref, 'administration', current ? 'current' : 'past', {
        date,
        lastDate: lastGiven,
        depot: { intervalDays: window.intervalDays, lastGiven, nextDoseDue: addDays(lastGiven, window.intervalDays) },
      }),
    ];
  }
  const isDepotDrug = longActing && DEPOT_DOSES[common.drug.concept.id] !== undefined;
  // A depot whose interval cannot be told is known to act for at least the shortest depot interval (28 d).
  const current = administration.status === 'in-progress' || (isDepotDrug && daysSince <= WINDOWS.month1.upperDays + opts.depotGraceDays);
  return [therapyOf(common, ref, 'administration', current ? 'current' : 'past', { date, lastDate: lastGiven })];
}

/**
 * Therapies, one per resource:
 * - MedicationRequest: active/on-hold → current; completed/stopped → past; draft, cancelled, entered-in-error and
 *   unknown, and intent proposal/plan, are not therapy.
 * - MedicationStatement: active/intended/on-hold → current; completed/stopped → past, as is any statement whose
 *   effective period ended before `now`; not-taken, entered-in-error and unknown are ignored.
 * - MedicationAdministration (completed / in-progress): a depot is current within its product window + grace (with
 *   `depot`), anything else given is past with its `lastDate`; an infusion in progress is current.
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 * @param opts - the hook's time and the depot grace
 */
export function extractTherapies(set: ResourceSet, terminology: Terminology, unreadable: string[], opts: TherapyOptions): Therapy[] {
  return [
    ...readEach(set.ofType<MedicationRequest>('MedicationRequest'), (r) => fromRequest(r, set, terminology), unreadable),
    ...readEach(set.ofType<MedicationStatement>('MedicationStatement'), (s) => fromStatement(s, set, terminology, opts.now), unreadable),
    ...readEach(set.ofType<MedicationAdministration>('MedicationAdministration'), (a) => fromAdministration(a, set, terminology, opts), unreadable),
  ];
}
