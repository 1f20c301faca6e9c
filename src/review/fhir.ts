import type { Observation, Patient, Resource } from 'fhir/r4.js';
import type { CdsAction } from '../hooks/cards/actions.js';
import { createFhirClient, FhirReadError } from '../fhir/client.js';
import { entriesOf } from '../fhir/resources.js';
import type { Terminology } from '../fhir/terminology.js';

/** The few FHIR REST calls of the review page: list patients, read lab history, apply an accepted suggestion. */

export interface ReviewFhirOptions {
  baseUrl: string;
  timeoutMs: number;
  pageCap: number;
  maxResponseBytes: number;
}

export interface PatientSummary {
  id: string;
  name: string;
}

export interface LabSeries {
  /** Terminology concept id (`psa`, `creatinine-serum`). */
  concept: string;
  label: string;
  unit: string;
  points: { date: string; value: number }[];
}

/** The labs charted beside the cards: PSA and, when the record has any, creatinine. */
const CHARTED_LABS = ['psa', 'creatinine-serum'] as const;
const SAFE_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const SAFE_TYPE = /^[A-Z][A-Za-z]+$/;

function displayName(patient: Patient): string {
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  const text = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  return text || '(no name)';
}

/** The most frequent unit of a series: values in another unit are left out rather than drawn on the wrong scale. */
function commonUnit(units: string[]): string {
  const counts = new Map<string, number>();
  for (const unit of units) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export function createReviewFhir(opts: ReviewFhirOptions, terminology: Terminology) {
  const client = createFhirClient(opts);
  const base = opts.baseUrl;

  async function write(method: 'POST' | 'PUT' | 'DELETE', path: string, resource?: Resource): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${base}/${path}`, {
        method,
        headers: { accept: 'application/fhir+json', ...(resource ? { 'content-type': 'application/fhir+json' } : {}) },
        body: resource ? JSON.stringify(resource) : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs),
        redirect: 'error',
      });
    } catch {
      throw new FhirReadError('the FHIR server could not be reached');
    }
    await response.body?.cancel().catch(() => undefined);
    // Deleting what is already gone is done.
    if (!response.ok && !(method === 'DELETE' && (response.status === 404 || response.status === 410))) {
      throw new FhirReadError(`the FHIR server answered HTTP ${response.status} to ${method} ${path.split('/')[0]}`, response.status);
    }
  }

  return {
    async listPatients(): Promise<PatientSummary[]> {
      const { bundle } = await client.search('Patient?_count=50');
      return entriesOf(bundle)
        .map((e) => e.resource)
        .filter((r): r is Patient => r?.resourceType === 'Patient' && typeof r.id === 'string')
        .map((p) => ({ id: p.id as string, name: displayName(p) }));
    },

    async labHistory(patientId: string): Promise<LabSeries[]> {
      const series = await Promise.all(
        CHARTED_LABS.map(async (id): Promise<LabSeries> => {
          const concept = terminology.concept(id);
          const codes = concept.codes.filter((c) => c.verifiedFrom !== null).map((c) => `${c.system}|${c.code}`);
          const query = `Observation?patient=${encodeURIComponent(patientId)}&code=${encodeURIComponent(codes.join(','))}&_count=100`;
          const { bundle } = await client.search(query);
          const readings = entriesOf(bundle)
            .map((e) => e.resource as Observation | undefined)
            .flatMap((o) => {
              const date = o?.effectiveDateTime ?? o?.issued;
              const value = o?.valueQuantity?.value;
              if (o?.resourceType !== 'Observation' || o.status === 'entered-in-error' || !date || typeof value !== 'number') return [];
              return [{ date: date.slice(0, 10), value, unit: o.valueQuantity?.unit ?? o.valueQuantity?.code ?? '' }];
            });
          const unit = commonUnit(readings.map((r) => r.unit));
          const points = readings
            .filter((r) => r.unit === unit)
            .map(({ date, value }) => ({ date, value }))
            .sort((a, b) => a.date.localeCompare(b.date));
          return { concept: id, label: concept.label, unit, points };
        }),
      );
      return series.filter((s) => s.concept === 'psa' || s.points.length > 0);
    },

    /** Applies one suggestion action to the FHIR server: create → POST, update → PUT, delete → DELETE. */
    async apply(action: CdsAction): Promise<void> {
      if (action.type === 'delete') {
        if (!SAFE_REFERENCE.test(action.resourceId)) throw new FhirReadError('the action names no resource this page can delete');
        return write('DELETE', action.resourceId);
      }
      const { resource } = action;
      if (!SAFE_TYPE.test(resource.resourceType)) throw new FhirReadError('the action carries no FHIR resource');
      if (action.type === 'create') return write('POST', resource.resourceType, resource);
      if (!SAFE_REFERENCE.test(`${resource.resourceType}/${resource.id ?? ''}`)) throw new FhirReadError('the update carries no resource id');
      return write('PUT', `${resource.resourceType}/${resource.id}`, resource);
    },
  };
}
