import type { Resource } from 'fhir/r4.js';
import { readFixtureBundles } from './cards.js';

/** The fields of fixture resources that identify a patient or carry clinical text. */
type FixtureResource = Resource & {
  name?: { family?: string; given?: string[] }[];
  birthDate?: string;
  identifier?: { value?: string }[];
  conclusion?: string;
  code?: { text?: string };
  note?: { text?: string }[];
};

let cached: string[] | undefined;

/** Strings from the fixtures that identify a patient or are resource content: none may appear in a log line. */
export function fixtureSecrets(): string[] {
  if (cached) return cached;
  const secrets = new Set<string>();
  for (const bundle of readFixtureBundles().values()) {
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource as FixtureResource | undefined;
      if (!r) continue;
      if (r.resourceType === 'Patient' && r.id) {
        secrets.add(r.id);
        if (r.birthDate) secrets.add(r.birthDate);
        for (const name of r.name ?? []) {
          if (name.family) secrets.add(name.family);
          for (const given of name.given ?? []) secrets.add(given);
        }
      }
      for (const identifier of r.identifier ?? []) if (identifier.value) secrets.add(identifier.value);
      if (typeof r.conclusion === 'string') secrets.add(r.conclusion);
      if (typeof r.code?.text === 'string') secrets.add(r.code.text);
      for (const note of r.note ?? []) if (note.text) secrets.add(note.text);
    }
  }
  cached = [...secrets];
  return cached;
}

/** Log lines that contain any of the secrets (a patient name, identifier, birth date, token, resource text or body). */
export function leaks(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const found = secrets.filter((s) => line.includes(s));
    return [...(line.includes('"resourceType"') ? ['a resource body'] : []), ...found].map((what) => `${what} in: ${line.slice(0, 200)}`);
  });
}
