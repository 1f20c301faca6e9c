import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterLastScopeBreak } from '../../../src/fhir/extract/text-findings.js';

/** The one-pass scope break must cut exactly where the regular expression it replaces did. */
const REFERENCE = /.*(?::|\bbut\b|\bhowever\b|\balthough\b|\bexcept\b)/is;
const piece = fc.constantFrom(
  ':',
  'but',
  'BUT',
  'However',
  'although',
  'except',
  'butter',
  'rebut',
  'no',
  ' ',
  '\n',
  ',',
  'small cell carcinoma',
  'x',
  '-',
  'é',
);

describe('afterLastScopeBreak', () => {
  it('= text.replace(/.*(?:…)/is, "") on any text', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        (text) => {
          expect(afterLastScopeBreak(text)).toBe(text.replace(REFERENCE, ''));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('keeps a long clause without a break whole, and cuts one at its last break', () => {
    const clause = 'sheets of tumour cells with scant cytoplasm '.repeat(500);
    expect(afterLastScopeBreak(clause)).toBe(clause);
    expect(afterLastScopeBreak(`${clause}: no small cell component`)).toBe(' no small cell component');
  });
});
