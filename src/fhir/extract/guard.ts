import type { Resource } from 'fhir/r4.js';

/**
 * Reads each resource on its own: a resource whose shape the reader cannot handle (real data is messy, and
 * prefetch is whatever the client sent) is skipped and named in `unreadable`, never guessed and never allowed
 * to fail the whole call.
 * @param resources - resources of one type
 * @param read - the reader for one resource
 * @param unreadable - collects what was skipped, for the data-quality card
 */
export function readEach<T extends Resource, R>(resources: readonly T[], read: (resource: T) => R[], unreadable: string[]): R[] {
  const out: R[] = [];
  for (let r = 0; r < resources.length; r++) {
    const resource = resources[r]!;
    try {
      const items = read(resource);
      for (let i = 0; i < items.length; i++) out.push(items[i]!);
    } catch {
      unreadable.push(`${resource.resourceType}/${typeof resource.id === 'string' ? resource.id : '(no id)'}: its content could not be read`);
    }
  }
  return out;
}
