import type { Bundle, Resource } from 'fhir/r4.js';
import { services } from '../hooks/services.js';

/**
 * A full prefetch, as an EHR that satisfies every template of the services sends it: the Patient as a read, one
 * searchset per other key (Medications ride with the medication orders). For the demo tooling, tests and benchmarks.
 * @param resources - one patient's resources (e.g. a fixture transaction Bundle's entries)
 * @param omit - keys to leave out (the service then fetches them)
 */
export function fullPrefetch(resources: readonly Resource[], omit: readonly string[] = []): Record<string, Resource> {
  const prefetch: Record<string, Resource> = {};
  for (const { key, template } of services[0]!.prefetch) {
    if (omit.includes(key)) continue;
    const type = template.split(/[/?]/)[0];
    if (type === 'Patient') {
      prefetch[key] = resources.find((r) => r.resourceType === 'Patient')!;
      continue;
    }
    const entry = resources
      .filter((r) => r.resourceType === type || (type === 'MedicationRequest' && r.resourceType === 'Medication'))
      .map((resource) => ({ resource }));
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry };
    prefetch[key] = bundle;
  }
  return prefetch;
}
