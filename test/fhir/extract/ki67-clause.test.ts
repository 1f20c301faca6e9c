import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstKi67Clause } from '../../../src/fhir/extract/ki67-text.js';

/** The one-pass Ki-67 clause must be exactly the first match of the regular expression it replaces. */
const REFERENCE = /\b(?:ki[\s-]?67|mib[\s-]?1)\b[^.;,)]*?\d[^.;,)]*%/gi;
const piece = fc.constantFrom(
  'Ki-67',
  'ki67',
  'KI 67',
  'MIB-1',
  'mib1',
  'xki67',
  'ki-670',
  ' ',
  '%',
  '80',
  '5',
  '.',
  ',',
  ';',
  ')',
  '(',
  'index',
  'approximately',
  '-',
  'to',
  'a',
);

describe('firstKi67Clause', () => {
  it('= the first match of /\\b(?:ki[\\s-]?67|mib[\\s-]?1)\\b[^.;,)]*?\\d[^.;,)]*%/gi', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 25 }).map((p) => p.join('')),
        (text) => {
          expect(firstKi67Clause(text)).toBe(text.match(REFERENCE)?.[0]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reads the clause of a long report', () => {
    const filler = 'cells 12 with 3 nuclei and 45 mitoses in 10 fields '.repeat(200);
    expect(firstKi67Clause(`Small cell carcinoma. Ki-67 ${filler} about 80 %, see comment`)).toBe(`Ki-67 ${filler} about 80 %`);
    expect(firstKi67Clause(`Ki-67 ${filler}`)).toBeUndefined();
  });
});
