import type { Dosage, MedicationAdministration, MedicationRequest, MedicationStatement, Timing } from 'fhir/r4.js';
import type { Therapy } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { DEPOT_DOSES, depotWindow, WINDOWS } from './depot.js';
import { asArray, dosageRoute, doseInMg, doseOf, instructionTexts, productTexts, routeFromProduct } from './dosage.js';
import { readEach } from './guard.js';
import { identifyDrug, type IdentifiedDrug, type MedicationResource } from './medication.js';
import { isLongActingSsa, SHORT_ACTING_POSSIBLE, therapyClasses } from './ssa.js';
import { clinicalDate } from './dates.js';

// Kept for drafts.ts, which reads medication drafts with the same helpers.
export { doseOf, dosageRoute, productTexts, routeFromProduct } from './dosage.js';
export { therapyClasses } from './ssa.js';

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
// Dates

function isDateString(value: unknown): value is string {
  return clinicalDate(value) !== undefined;
}

function timeOf(date: string): number {
  return Date.parse(date.length === 4 ? `${date}-01-01` : date.length === 7 ? `${date}-01` : date);
}

function latest(dates: (string | undefined)[]): string | undefined {
  return dates
    .filter(isDateString)
    .sort((a, b) => timeOf(a) - timeOf(b))
    .at(-1);
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
  return [
    therapyOf(common, `MedicationRequest/${request.id}`, 'request', status, {
      date,
      lastDate: status === 'past' ? requestLastDate(request, dosages) : undefined,
    }),
  ];
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
  const longActing =
    !SHORT_ACTING_POSSIBLE.has(common.drug.concept.id) ||
    isLongActingSsa({ texts: common.texts, route: common.route, doseMg: doseInMg(common.dose), timings: common.timings });
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
