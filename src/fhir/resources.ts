import type { Bundle, Resource } from 'fhir/r4.js';

/**
 * The resources of one hook call, from prefetch and the FHIR server, de-duplicated by `Type/id`.
 * OperationOutcomes are not data and are never added.
 */
export class ResourceSet {
  private readonly byRef = new Map<string, Resource>();
  private readonly byType = new Map<string, Resource[]>();

  /** Adds a resource, or every entry of a Bundle (searchset, collection, …). */
  add(value: Resource | null | undefined): void {
    if (!value || typeof value !== 'object') return;
    if (value.resourceType === 'Bundle') {
      for (const entry of (value as Bundle).entry ?? []) this.add(entry.resource);
      return;
    }
    if (value.resourceType === 'OperationOutcome' || typeof value.resourceType !== 'string') return;
    const ref = value.id ? `${value.resourceType}/${value.id}` : undefined;
    if (ref && this.byRef.has(ref)) return;
    if (ref) this.byRef.set(ref, value);
    this.byType.set(value.resourceType, [...(this.byType.get(value.resourceType) ?? []), value]);
  }

  /** Resources of one type, in the order they arrived. */
  ofType<T extends Resource>(resourceType: T['resourceType']): T[] {
    return (this.byType.get(resourceType) ?? []) as T[];
  }

  /** A resource by relative reference (`Medication/123`). */
  get(ref: string): Resource | undefined {
    return this.byRef.get(ref);
  }
}

/** `Type/id` of a resource, or undefined when it has no id. */
export function refOf(resource: Resource): string | undefined {
  return resource.id ? `${resource.resourceType}/${resource.id}` : undefined;
}
