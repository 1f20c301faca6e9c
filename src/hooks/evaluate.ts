import type { Bundle, MedicationAdministration, MedicationRequest, MedicationStatement } from 'fhir/r4.js';
import type { PictureOptions } from '../config.js';
import type { HookContext, RuleSettings } from '../engine/picture.js';
import type { Rule } from '../engine/recommendation.js';
import { runRules } from '../engine/run.js';
import { unresolvedMedicationRefs } from '../fhir/extract/medication.js';
import { buildPicture } from '../fhir/picture.js';
import { resolvePrefetch } from '../fhir/prefetch.js';
import { ResourceSet } from '../fhir/resources.js';
import type { Terminology } from '../fhir/terminology.js';
import type { FhirClient } from '../fhir/client.js';
import { dataUnavailableCard } from './cards/data-unavailable.js';
import { renderCard, type Card } from './cards/render.js';
import type { CardTemplate } from './cards/templates.js';
import type { HookRequest } from './request.schema.js';
import type { ServiceDefinition } from './services.js';

export interface EvaluateDeps {
  rules: readonly Rule[];
  terminology: Terminology;
  templates: Map<string, CardTemplate>;
  fhir: { timeoutMs: number; pageCap: number };
  picture: PictureOptions;
  settings: RuleSettings;
  now: () => Date;
  newId: () => string;
}

export interface HookResult {
  cards: Card[];
  /** For logs: which prefetch keys had to be fetched, how many rules fired. Never PHI. */
  stats: { fetchedKeys: string[]; unreadable: number; recommendations: string[] };
}

/** Reads, in parallel, the separate Medication resources that orders, statements and administrations point to. */
async function resolveMedications(set: ResourceSet, drafts: Bundle | undefined, client: FhirClient | undefined, unreadable: string[]) {
  const requests = [
    ...set.ofType<MedicationRequest>('MedicationRequest'),
    ...set.ofType<MedicationStatement>('MedicationStatement'),
    ...set.ofType<MedicationAdministration>('MedicationAdministration'),
    ...(drafts?.entry ?? []).map((e) => e.resource).filter((r): r is MedicationRequest => r?.resourceType === 'MedicationRequest'),
  ];
  const refs = unresolvedMedicationRefs(requests, set);
  if (refs.length === 0) return;
  if (!client) {
    unreadable.push(`medication details (${refs.length} referenced Medication resource(s) were not sent and no FHIR server was given)`);
    return;
  }
  await Promise.all(
    refs.map((ref) =>
      client.read(ref).then(
        (medication) => set.add(medication),
        () => unreadable.push(`medication details of ${ref}`),
      ),
    ),
  );
}

/**
 * One hook call, transport-free: data → picture → rules → cards.
 * @param service - the service called
 * @param request - the validated request (context already checked for this hook)
 * @param deps - rules, terminology, card templates, clock and id source
 */
export async function evaluateHook(service: ServiceDefinition, request: HookRequest, deps: EvaluateDeps): Promise<HookResult> {
  const now = deps.now();
  const context = request.context as Record<string, unknown> & { patientId: string; draftOrders?: Bundle; selections?: string[] };
  const prefetched = await resolvePrefetch({
    templates: service.prefetch,
    prefetch: request.prefetch,
    context,
    fhirServer: request.fhirServer,
    accessToken: request.fhirAuthorization?.access_token,
    now,
    client: deps.fhir,
  });
  const unreadable = [...prefetched.unreadable];
  await resolveMedications(prefetched.resources, context.draftOrders, prefetched.client, unreadable);

  const picture = buildPicture(
    { patientId: context.patientId, hook: service.hook, now, resources: prefetched.resources, draftOrders: context.draftOrders, selections: context.selections, unreadable },
    deps.terminology,
    deps.picture,
  );
  const hookContext: HookContext = { hook: service.hook, now, settings: deps.settings };
  const recommendations = runRules(deps.rules, picture, hookContext);
  const drafts = new ResourceSet();
  drafts.add(context.draftOrders);
  const actions = { lookup: (ref: string) => drafts.get(ref) ?? prefetched.resources.get(ref), patientRef: picture.patientRef, terminology: deps.terminology };
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
}
