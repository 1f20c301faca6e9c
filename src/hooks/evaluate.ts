import type { Bundle, MedicationAdministration, MedicationRequest, MedicationStatement } from 'fhir/r4.js';
import type { PictureOptions } from '../config.js';
import type { HookContext, RuleSettings } from '../engine/picture.js';
import type { Rule } from '../engine/recommendation.js';
import { runRules } from '../engine/run.js';
import { unresolvedMedicationRefs } from '../fhir/extract/medication.js';
import { buildPicture } from '../fhir/picture.js';
import { DeadlineTasks, FhirDeadline, resolvePrefetch } from '../fhir/prefetch.js';
import { entriesOf, ResourceSet } from '../fhir/resources.js';
import type { Terminology } from '../fhir/terminology.js';
import { HOOK_DEADLINE_MESSAGE, type FhirClient, type FhirClientOptions } from '../fhir/client.js';
import { dataUnavailableCard } from './cards/data-unavailable.js';
import { renderCard, type Card } from './cards/render.js';
import type { CardTemplate } from './cards/templates.js';
import type { HookRequest } from './request.schema.js';
import type { ServiceDefinition } from './services.js';

export interface EvaluateDeps {
  rules: readonly Rule[];
  terminology: Terminology;
  templates: Map<string, CardTemplate>;
  /** FHIR client settings; `onFailure` is told of every failed FHIR query (the metrics count them). */
  fhir: { timeoutMs: number; pageCap: number; maxResponseBytes?: number; onFailure?: FhirClientOptions['onFailure'] };
  /** The hook answers within this many ms of the request's arrival: FHIR data not delivered by then is named as unavailable. */
  hookDeadlineMs: number;
  picture: PictureOptions;
  settings: RuleSettings;
  now: () => Date;
  newId: () => string;
}

export interface HookResult {
  cards: Card[];
  /** For logs: which prefetch keys had to be fetched, how many rules fired. Never PHI. */
  stats: { fetchedKeys: string[]; unreadable: number; recommendations: string[] };
  /**
   * The records could not be turned into a picture, or the rules or cards failed on it: the answer is then the
   * data-unavailable card alone, and the caller logs this (error type and stack, never data).
   */
  failure?: { stage: 'picture' | 'advice'; error: unknown };
}

/** Why the queries still running when the hook has answered are stopped (made once, not an exception per call). */
const ANSWERED = new Error('the hook call has been answered');

const RECORDS_UNREADABLE = 'the patient’s records: they could not be read as a whole (the error was logged for the service’s maintainers)';
const ADVICE_FAILED = 'the advice: it could not be worked out from these records (the error was logged for the service’s maintainers)';

/**
 * The share of the hook deadline kept for the work after the FHIR reads (picture, rules, cards): a fifth of it,
 * at most 500 ms.
 */
function fhirBudgetMs(hookDeadlineMs: number, elapsedMs: number): number {
  const reserve = Math.min(500, hookDeadlineMs / 5);
  return Math.max(0, hookDeadlineMs - reserve - elapsedMs);
}

/** Reads, in parallel, the separate Medication resources that orders, statements and administrations point to. */
async function resolveMedications(set: ResourceSet, drafts: Bundle | undefined, client: FhirClient | undefined, unreadable: string[], deadline: FhirDeadline) {
  const requests = [
    ...set.ofType<MedicationRequest>('MedicationRequest'),
    ...set.ofType<MedicationStatement>('MedicationStatement'),
    ...set.ofType<MedicationAdministration>('MedicationAdministration'),
    ...(drafts ? entriesOf(drafts) : []).map((e) => e.resource).filter((r): r is MedicationRequest => r?.resourceType === 'MedicationRequest'),
  ];
  const refs = unresolvedMedicationRefs(requests, set);
  if (refs.length === 0) return;
  if (!client) {
    unreadable.push(`medication details (${refs.length} referenced Medication resource(s) were not sent and no FHIR server was given)`);
    return;
  }
  if (deadline.signal.aborted) {
    unreadable.push(`medication details (${refs.length} referenced Medication resource(s)): ${HOOK_DEADLINE_MESSAGE}`);
    return;
  }
  const tasks = new DeadlineTasks(deadline);
  const failed: { ref: string; reason: string }[] = [];
  for (const ref of refs) {
    tasks.run(
      () => client.read(ref),
      (medication) => set.add(medication),
      (reason) => failed.push({ ref, reason }),
    );
  }
  await tasks.settled();
  // A few are named one by one; many (a server that is down) in one line, so the card stays readable.
  if (failed.length <= 3) for (const { ref, reason } of failed) unreadable.push(`medication details of ${ref}: ${reason}`);
  else unreadable.push(`medication details of ${failed.length} referenced Medication resources: ${[...new Set(failed.map((f) => f.reason))].join('; ')}`);
}

/**
 * One hook call, transport-free: data → picture → rules → cards, within the hook deadline: FHIR reads still running
 * when the FHIR share of the deadline runs out are stopped and named on the data-unavailable card.
 * @param service - the service called
 * @param request - the validated request (context already checked for this hook)
 * @param deps - rules, terminology, card templates, clock and id source, deadline
 * @param elapsedMs - time the request has already spent (reading, authentication) before this call
 */
export async function evaluateHook(service: ServiceDefinition, request: HookRequest, deps: EvaluateDeps, elapsedMs = 0): Promise<HookResult> {
  const deadline = new FhirDeadline(fhirBudgetMs(deps.hookDeadlineMs, elapsedMs));
  try {
    return await evaluateWithin(service, request, deps, deadline);
  } finally {
    deadline.end(ANSWERED); // stops whatever FHIR query is still running
  }
}

async function evaluateWithin(service: ServiceDefinition, request: HookRequest, deps: EvaluateDeps, deadline: FhirDeadline): Promise<HookResult> {
  const now = deps.now();
  const context = request.context as Record<string, unknown> & { patientId: string; draftOrders?: Bundle; selections?: string[] };
  // draftOrders and selections are validated only for the order hooks; elsewhere they are not part of the context.
  const orderHook = service.hook === 'order-select' || service.hook === 'order-sign';
  const draftOrders = orderHook ? context.draftOrders : undefined;
  const selections = service.hook === 'order-select' ? context.selections : undefined;
  const prefetched = await resolvePrefetch({
    templates: service.prefetch,
    prefetch: request.prefetch,
    context,
    fhirServer: request.fhirServer,
    accessToken: request.fhirAuthorization?.access_token,
    now,
    client: deps.fhir,
    deadline,
  });
  const unreadable = [...prefetched.unreadable];
  try {
    await resolveMedications(prefetched.resources, draftOrders, prefetched.client, unreadable, deadline);
  } catch {
    unreadable.push('medication details: the references to Medication resources could not be read');
  }

  const failed = (stage: 'picture' | 'advice', error: unknown, lines: readonly string[]): HookResult => ({
    cards: [dataUnavailableCard([...lines, stage === 'picture' ? RECORDS_UNREADABLE : ADVICE_FAILED], deps.newId)],
    stats: { fetchedKeys: prefetched.fetchedKeys, unreadable: lines.length + 1, recommendations: [] },
    failure: { stage, error },
  });

  // Hostile or broken records must not fail the call: what cannot be read is said on the data-unavailable card.
  let picture: ReturnType<typeof buildPicture>;
  try {
    picture = buildPicture(
      { patientId: context.patientId, hook: service.hook, now, resources: prefetched.resources, draftOrders, selections, unreadable },
      deps.terminology,
      deps.picture,
    );
  } catch (error) {
    return failed('picture', error, unreadable);
  }
  try {
    const hookContext: HookContext = { hook: service.hook, now, settings: deps.settings };
    const recommendations = runRules(deps.rules, picture, hookContext);
    const drafts = new ResourceSet();
    drafts.add(draftOrders);
    const actions = {
      lookup: (ref: string) => drafts.get(ref) ?? prefetched.resources.get(ref),
      patientRef: picture.patientRef,
      terminology: deps.terminology,
    };
    const cards = recommendations.map((rec) => {
      const template = deps.templates.get(rec.ruleId);
      if (!template) throw new Error(`no card template for rule ${rec.ruleId}`);
      return renderCard(rec, template, actions, deps.newId);
    });
    if (picture.unreadable.length > 0) cards.push(dataUnavailableCard(picture.unreadable, deps.newId));
    return {
      cards,
      stats: { fetchedKeys: prefetched.fetchedKeys, unreadable: picture.unreadable.length, recommendations: recommendations.map((r) => r.ruleId) },
    };
  } catch (error) {
    return failed('advice', error, picture.unreadable);
  }
}
