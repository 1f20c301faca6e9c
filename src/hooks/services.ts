import { ConfigError } from '../config.js';
import type { HookName } from '../engine/picture.js';
import type { PrefetchTemplate } from '../fhir/prefetch.js';

export interface ServiceDefinition {
  id: string;
  hook: HookName;
  title: string;
  description: string;
  prefetch: readonly PrefetchTemplate[];
}

/**
 * What every service reads about the patient: one query per resource type, run in parallel when the EHR does not
 * prefetch them. Plain FHIR search syntax within the CDS Hooks "recommended subset" (reference param, `_count`,
 * `_sort`), no repeated parameters (the Sandbox merges them into one OR list), no status filters (past therapy and
 * resolved conditions are facts too; entered-in-error is dropped on reading). Pages beyond the first are followed
 * up to FHIR_PAGE_CAP.
 */
const PATIENT_DATA: readonly PrefetchTemplate[] = [
  { key: 'patient', template: 'Patient/{{context.patientId}}', describes: 'patient demographics' },
  { key: 'conditions', template: 'Condition?patient={{context.patientId}}&_count=200', describes: 'conditions (diagnoses, metastases)' },
  { key: 'medications', template: 'MedicationRequest?patient={{context.patientId}}&_count=200', describes: 'medication orders' },
  { key: 'medicationStatements', template: 'MedicationStatement?patient={{context.patientId}}&_count=200', describes: 'medication statements' },
  {
    key: 'medicationAdministrations',
    template: 'MedicationAdministration?patient={{context.patientId}}&_count=200',
    describes: 'medication administrations (depot injections, chemotherapy)',
  },
  { key: 'reports', template: 'DiagnosticReport?patient={{context.patientId}}&_count=200', describes: 'diagnostic and pathology reports' },
  {
    key: 'observations',
    template: 'Observation?patient={{context.patientId}}&_sort=-date&_count=200',
    describes: 'observations (labs, vital signs, pathology findings)',
  },
  { key: 'serviceRequests', template: 'ServiceRequest?patient={{context.patientId}}&_count=200', describes: 'orders for procedures and tests' },
  { key: 'procedures', template: 'Procedure?patient={{context.patientId}}&_count=200', describes: 'procedures' },
];

export const services: readonly ServiceDefinition[] = [
  {
    id: 'nec-patient-view',
    hook: 'patient-view',
    title: 'Neuroendocrine carcinoma advisor (chart open)',
    description:
      'Guideline-based advice for neuroendocrine carcinoma, including small cell / neuroendocrine transformation of prostate cancer, when a chart is opened.',
    prefetch: PATIENT_DATA,
  },
  {
    id: 'nec-order-select',
    hook: 'order-select',
    title: 'Neuroendocrine carcinoma advisor (order selection)',
    description: 'Checks selected orders against the patient’s neuroendocrine carcinoma histology while they are being written.',
    prefetch: PATIENT_DATA,
  },
  {
    id: 'nec-order-sign',
    hook: 'order-sign',
    title: 'Neuroendocrine carcinoma advisor (order signing)',
    description: 'Checks orders against the patient’s neuroendocrine carcinoma histology before they are signed.',
    prefetch: PATIENT_DATA,
  },
];

/**
 * The services by the id a request may use: our own ids, and the aliases of `CDS_SERVICE_ALIASES` (an EHR that
 * registered our services under its own ids). Aliases only route: discovery lists our ids.
 * @param aliases - alias id → one of our service ids
 * @throws ConfigError (start-up stops) when an alias shadows one of our ids or points at an id we do not have
 */
export function serviceRoutes(aliases: Readonly<Record<string, string>>): ReadonlyMap<string, ServiceDefinition> {
  const routes = new Map(services.map((s) => [s.id, s]));
  const problems: string[] = [];
  for (const [alias, target] of Object.entries(aliases)) {
    const service = routes.get(target);
    if (services.some((s) => s.id === alias)) problems.push(`"${alias}" is one of our own service ids and cannot be an alias`);
    else if (!service || service.id !== target)
      problems.push(`"${alias}" points at "${target}", which is not one of ${services.map((s) => `"${s.id}"`).join(', ')}`);
    else routes.set(alias, service);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.map((p) => `CDS_SERVICE_ALIASES: ${p}`).join('\n  ')}`);
  return routes;
}

/** The discovery document (`GET /cds-services`). */
export function discoveryDocument() {
  return {
    services: services.map((s) => ({
      hook: s.hook,
      title: s.title,
      description: s.description,
      id: s.id,
      prefetch: Object.fromEntries(s.prefetch.map((p) => [p.key, p.template])),
      usageRequirements:
        'Send the prefetch, or fhirServer with fhirAuthorization (read access to Patient, Condition, MedicationRequest, MedicationStatement, MedicationAdministration, Medication, DiagnosticReport, Observation, ServiceRequest, Procedure).',
    })),
  };
}
