import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The repo's clinical/terminology.json is a copy of ../shared/clinical/terminology.json, edited only by the 2nd
 * verification pass and the therapy / procedures work. Everything else must still be there, code for code.
 */

interface Code {
  system: string;
  code: string;
  display: string | null;
  verifiedFrom: string | null;
}
type File = Record<string, { kind: string; codes: Code[] }>;

const shared = JSON.parse(readFileSync(new URL('../../../shared/clinical/terminology.json', import.meta.url), 'utf8')) as File;
const repo = JSON.parse(readFileSync(new URL('../../clinical/terminology.json', import.meta.url), 'utf8')) as File;

/** Codes whose verification changed here: verified now (verifiedFrom set) or re-checked and left unverified (note). */
const VERIFIED_HERE = new Set(['53844-7', '81247-9', '42345000', '8500/3', '77655', '14913-8']);
const RECHECKED_STILL_UNVERIFIED = new Set(['58415-1', '753-3', '1999574', '1440406', '2099704', '11473', '2001224']);
/** Concepts added here: text-matched only (no codes), or with a code verified in data nobody here wrote. */
const ADDED_TEXT_ONLY = ['pasireotide', 'genomic-test', 'bicalutamide', 'flutamide', 'nilutamide'];
const ADDED_CODED: Record<string, string[]> = { prednisone: ['http://www.nlm.nih.gov/research/umls/rxnorm|8640'] };

describe('clinical/terminology.json (repo copy) against ../shared/clinical/terminology.json', () => {
  it('keeps every shared concept with the same kind and the same codes', () => {
    for (const [id, concept] of Object.entries(shared)) {
      const mine = repo[id];
      expect(mine, id).toBeDefined();
      expect(mine!.kind, id).toBe(concept.kind);
      expect(
        mine!.codes.map((c) => `${c.system}|${c.code}`),
        id,
      ).toEqual(concept.codes.map((c) => `${c.system}|${c.code}`));
    }
  });

  it('changes verification only for the codes listed here', () => {
    for (const [id, concept] of Object.entries(shared)) {
      concept.codes.forEach((code, i) => {
        const mine = repo[id]!.codes[i]!;
        const label = `${id} ${code.code}`;
        if (VERIFIED_HERE.has(code.code)) {
          expect(code.verifiedFrom, label).toBeNull();
          expect(mine.verifiedFrom, label).toEqual(expect.any(String));
        } else if (RECHECKED_STILL_UNVERIFIED.has(code.code)) {
          expect(mine.verifiedFrom, label).toBeNull();
        } else {
          expect(mine.verifiedFrom, label).toBe(code.verifiedFrom);
          expect(mine.display, label).toBe(code.display);
        }
      });
    }
  });

  it('adds only the listed concepts', () => {
    expect(
      Object.keys(repo)
        .filter((id) => !(id in shared))
        .sort(),
    ).toEqual([...ADDED_TEXT_ONLY, ...Object.keys(ADDED_CODED)].sort());
    for (const id of ADDED_TEXT_ONLY) expect(repo[id]!.codes, id).toEqual([]);
    for (const [id, codes] of Object.entries(ADDED_CODED))
      expect(
        repo[id]!.codes.map((c) => `${c.system}|${c.code}`),
        id,
      ).toEqual(codes);
  });
});
