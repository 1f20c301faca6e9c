import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from 'fhir/r4.js';
import { repoRoot } from './fhir-server.js';

/** CDS Hooks response shapes as the tests read them, and small checks over them. */

interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

interface Action {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Resource;
  resourceId?: string;
}

export interface Card {
  uuid?: string;
  summary: string;
  detail?: string;
  indicator: string;
  source: { label?: string; url?: string; topic?: Coding };
  suggestions?: { label: string; uuid?: string; isRecommended?: boolean; actions?: Action[] }[];
  selectionBehavior?: string;
  overrideReasons?: Coding[];
  links?: unknown[];
}

export interface CdsResponse {
  cards: Card[];
  systemActions?: Action[];
}

export const RULE_TOPIC_SYSTEM = 'urn:nec-cds:rule';
export const STOP_ADT = 'stop-adt-small-cell';
export const DATA_UNAVAILABLE = 'data-unavailable';

/** The cards whose `source.topic.code` is `code`. */
export function cardsWithTopic(response: CdsResponse, code: string): Card[] {
  return response.cards.filter((c) => c.source.topic?.code === code);
}

/**
 * Paths (`cards.0.suggestions`) of every null, "", [] or {} in a JSON value: CDS Hooks clients choke on them
 * and the spec says to omit optional fields instead.
 */
export function emptyValuePaths(value: unknown, path = '$'): string[] {
  // `cards` is REQUIRED and is `[]` when the service has nothing to say (CDS Hooks 2.0 §HTTP Response).
  if (path === '$.cards' && Array.isArray(value) && value.length === 0) return [];
  if (value === null) return [path];
  if (value === '') return [path];
  if (Array.isArray(value)) {
    if (value.length === 0) return [path];
    return value.flatMap((v, i) => emptyValuePaths(v, `${path}.${i}`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [path];
    return entries.flatMap(([k, v]) => emptyValuePaths(v, `${path}.${k}`));
  }
  return [];
}

export const FIXTURE_PATIENT_IDS = [
  'seed-000-nepc-liver',
  'near-miss-adeno-on-leuprolide',
  'near-miss-no-small-cell-component',
  'near-miss-sclc-lung-no-adt',
  'near-miss-origin-uncertain',
] as const;

export const SEED_000 = 'seed-000-nepc-liver';
export const NEAR_MISSES = FIXTURE_PATIENT_IDS.filter((id) => id !== SEED_000);

/** Every fixture transaction Bundle in fixtures/patients/, by file name (without `.json`). */
export function readFixtureBundles(): Map<string, Bundle> {
  const dir = join(repoRoot, 'fixtures/patients');
  const bundles = new Map<string, Bundle>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    bundles.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, file), 'utf8')) as Bundle);
  }
  return bundles;
}
