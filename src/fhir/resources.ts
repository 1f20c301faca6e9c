import type { Bundle, Resource } from 'fhir/r4.js';

const EMPTY: readonly Resource[] = Object.freeze([]);

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
      for (const entry of entriesOf(value as Bundle)) this.add(entry.resource);
      return;
    }
    if (value.resourceType === 'OperationOutcome' || typeof value.resourceType !== 'string') return;
    // A resource without an id cannot be cited on a card (`Condition/undefined`): it is not used.
    if (typeof value.id !== 'string' || value.id === '') return;
    const ref = `${value.resourceType}/${value.id}`;
    if (this.byRef.has(ref)) return;
    this.byRef.set(ref, value);
    // Appended in place: copying the list on every add made a 10,000-resource prefetch quadratic.
    const list = this.byType.get(value.resourceType);
    if (list) list.push(value);
    else this.byType.set(value.resourceType, [value]);
  }

  /** Resources of one type, in the order they arrived (the set's own list: read it, do not change it). */
  ofType<T extends Resource>(resourceType: T['resourceType']): readonly T[] {
    return (this.byType.get(resourceType) ?? EMPTY) as readonly T[];
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

/** A Bundle's entries that are objects; a malformed `entry` (not an array, null items) yields nothing. */
export function entriesOf(bundle: Bundle): NonNullable<Bundle['entry']> {
  return Array.isArray(bundle.entry) ? bundle.entry.filter((e) => e !== null && typeof e === 'object') : [];
}

const isObject = (value: unknown) => value !== null && typeof value === 'object';

/** True when a Bundle's `entry` and `link`, if present, are arrays of objects: the shape the service can page and read. */
export function isWellFormedBundle(bundle: Bundle): boolean {
  return (
    (bundle.entry === undefined || (Array.isArray(bundle.entry) && bundle.entry.every(isObject))) &&
    (bundle.link === undefined || (Array.isArray(bundle.link) && bundle.link.every(isObject)))
  );
}

/** The URL of a Bundle's `next` link, if it has a well-formed one. */
export function nextLinkOf(bundle: Bundle): string | undefined {
  if (!Array.isArray(bundle.link)) return undefined;
  const url = bundle.link.find((l) => l !== null && typeof l === 'object' && l.relation === 'next')?.url;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
