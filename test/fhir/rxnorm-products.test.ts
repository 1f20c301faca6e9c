import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProductMapping, generateProductMappingText, parseSourceFile } from '../../scripts/generate-rxnorm-products.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const terminologyRaw: unknown = JSON.parse(readFileSync(new URL('../../clinical/terminology.json', import.meta.url), 'utf8'));
const header = '# source: github:example/repo@abc:path.json\n# title: Example\ncode\tdisplay\n';

describe('scripts/generate-rxnorm-products.ts', () => {
  it('the committed clinical/rxnorm-products.json is what the script generates from clinical/sources', () => {
    expect(readFileSync(new URL('../../clinical/rxnorm-products.json', import.meta.url), 'utf8')).toBe(generateProductMappingText(root));
  });

  it('is deterministic', () => {
    expect(generateProductMappingText(root)).toBe(generateProductMappingText(root));
  });

  it('maps displays by ingredient, learns brands from brackets, and leaves other drugs out', () => {
    const source = parseSourceFile(
      'clinical/sources/x.tsv',
      `${header}1\tcarboplatin 10 MG/ML [Paraplatin]\n2\tParaplatin Injectable Product\n3\tParaplatin\n4\tmethotrexate 2.5 MG Oral Tablet\n5\t{21 (goserelin 3.6 MG Drug Implant) } Pack\n`,
    );
    const mapping = buildProductMapping([source], terminologyRaw);
    expect(Object.fromEntries(Object.entries(mapping.products).map(([code, p]) => [code, [p.ingredients, p.level]]))).toEqual({
      '1': [['carboplatin'], 'branded-drug'],
      '2': [['carboplatin'], 'branded-drug'],
      '3': [['carboplatin'], 'brand-name'],
      '5': [['goserelin'], 'generic-pack'],
    });
    expect(mapping.sources).toEqual([{ id: 'x', file: 'clinical/sources/x.tsv', origin: 'github:example/repo@abc:path.json', title: 'Example' }]);
  });

  it('stops on a code that two sources map to different drugs, or that contradicts terminology.json', () => {
    const a = parseSourceFile('clinical/sources/a.tsv', `${header}99\tcisplatin 50 MG Injection\n`);
    const b = parseSourceFile('clinical/sources/b.tsv', `${header}99\tcarboplatin 50 MG Injection\n`);
    expect(() => buildProductMapping([a, b], terminologyRaw)).toThrow(/RxNorm 99/);
    const wrong = parseSourceFile('clinical/sources/c.tsv', `${header}752899\tcarboplatin 10 MG/ML Injectable Solution\n`);
    expect(() => buildProductMapping([wrong], terminologyRaw)).toThrow(/752899.*terminology\.json says leuprolide/);
  });

  it('rejects a malformed source line naming the file and line', () => {
    expect(() => parseSourceFile('clinical/sources/bad.tsv', `${header}12a\tx\n`)).toThrow(/bad\.tsv:4/);
    expect(() => parseSourceFile('clinical/sources/bad.tsv', 'code\tdisplay\n1\tx\n')).toThrow(/no "# source:"/);
  });
});
