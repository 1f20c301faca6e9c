/**
 * Generates `clinical/rxnorm-products.json`: RxNorm codes at any level (clinical and branded drugs, packs, brand
 * names, ingredients) → the drug concepts of `clinical/terminology.json` they contain.
 *
 * Reads only local files: the value-set extracts under `clinical/sources/*.tsv` (where each came from is in their
 * header and in `clinical/sources/README.md`) and `clinical/terminology.json` (drug names and brands). No network.
 * The output is deterministic (codes in numeric order, sources in file-name order).
 *
 * A display names its drugs ("0.25 ML leuprolide acetate 30 MG/ML Prefilled Syringe" → leuprolide); a brand seen in
 * brackets next to exactly one drug ("carboplatin 10 MG/ML [Paraplatin]") then identifies displays that name only the
 * brand ("Paraplatin", "Paraplatin Injectable Product"). A display that names none of our drugs is left out.
 *
 *   npx tsx scripts/generate-rxnorm-products.ts          # write clinical/rxnorm-products.json
 *   npx tsx scripts/generate-rxnorm-products.ts --check  # exit 1 when the committed file differs
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildTerminology, codingKey, drugNames, RXNORM_SYSTEM, type ProductMappingFile, type productLevels } from '../src/fhir/terminology.js';

type Level = (typeof productLevels)[number];

export interface SourceEntry {
  code: string;
  display: string;
}

export interface SourceFile {
  id: string;
  file: string;
  origin: string;
  title: string;
  entries: SourceEntry[];
}

/**
 * Parses one extract: `# source:` and `# title:` header lines, a `code<TAB>display` header, then one entry a line.
 * @throws Error naming the file and line when a line is not `digits<TAB>display`
 */
export function parseSourceFile(file: string, text: string): SourceFile {
  let origin = '';
  let title = '';
  const entries: SourceEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s*(source|title):\s*(.+)$/.exec(line);
      if (m?.[1] === 'source') origin = m[2]!.trim();
      if (m?.[1] === 'title') title = m[2]!.trim();
      return;
    }
    if (line === 'code\tdisplay') return;
    const m = /^(\d+)\t(\S.*)$/.exec(line);
    if (!m) throw new Error(`${file}:${index + 1}: expected "<RxNorm code><TAB><display>", got ${JSON.stringify(line)}`);
    entries.push({ code: m[1]!, display: m[2]!.trim() });
  });
  if (!origin) throw new Error(`${file}: no "# source:" header line`);
  if (!title) throw new Error(`${file}: no "# title:" header line`);
  return { id: basename(file).replace(/\.tsv$/, ''), file, origin, title, entries };
}

const FORM_WORDS = /\b(?:MG|ML|UNT|Injection|Injectable|Oral|Tablet|Capsule|Pill|Product|Implant|Syringe|Solution|Suspension|Kit|Pack)\b/i;

/**
 * The RxNorm term-type family, read from the display: packs start with `{`, branded names carry `[Brand]` or name
 * only the brand; a bare generic name (optionally with its salt) is an ingredient.
 * @param namesGeneric - the display names the drug by its generic name (not only by a brand)
 */
function levelOf(display: string, namesGeneric: boolean): Level {
  if (display.startsWith('{')) return display.includes('[') ? 'branded-pack' : 'generic-pack';
  if (display.includes('[')) return 'branded-drug';
  const hasForm = FORM_WORDS.test(display) || /\d/.test(display);
  if (!namesGeneric) return hasForm ? 'branded-drug' : 'brand-name';
  return hasForm ? 'clinical-drug' : 'ingredient';
}

/**
 * Builds the mapping from parsed sources and terminology.json.
 * @throws Error when one code would map to different drugs in two places (two sources, or a source and
 *   terminology.json)
 */
export function buildProductMapping(sources: SourceFile[], terminologyRaw: unknown): ProductMappingFile {
  const terminology = buildTerminology(terminologyRaw);
  const drugIds = (display: string) => terminology.drugsInText(display).map((c) => c.id);
  /** The generic name of each drug concept ("leuprolide", "etoposide"): the first of its names. */
  const genericNames = terminology.byKind('drug').map((c) => drugNames(c)[0] ?? c.id);
  const namesGeneric = (display: string) => {
    const lower = display.toLowerCase();
    return genericNames.some((name) => new RegExp(`(?<![\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(lower));
  };

  // Brands in brackets next to exactly one of our drugs ("etoposide 100 MG [Etopophos]").
  const brands = new Map<string, string | null>();
  for (const { entries } of sources) {
    for (const { display } of entries) {
      const ids = drugIds(display);
      const bracket = /\[([^\]]+)\]\s*$/.exec(display)?.[1]?.trim().toLowerCase();
      if (!bracket || ids.length !== 1) continue;
      const known = brands.get(bracket);
      brands.set(bracket, known === undefined || known === ids[0] ? ids[0]! : null);
    }
  }
  const brandOnly = (display: string): string | undefined => {
    const lower = display.toLowerCase();
    for (const [brand, id] of [...brands.entries()].sort((a, b) => b[0].length - a[0].length)) {
      if (id && (lower === brand || lower.startsWith(`${brand} `))) return id;
    }
    return undefined;
  };

  const products: ProductMappingFile['products'] = {};
  for (const source of [...sources].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const { code, display } of source.entries) {
      let ingredients = drugIds(display);
      if (ingredients.length === 0) {
        const viaBrand = brandOnly(display);
        if (!viaBrand) continue;
        ingredients = [viaBrand];
      }
      ingredients = [...new Set(ingredients)].sort();
      const existing = products[code];
      if (existing) {
        if (existing.ingredients.join() !== ingredients.join()) {
          throw new Error(`RxNorm ${code}: ${source.id} says ${ingredients.join('+')}, ${existing.sources.join(', ')} says ${existing.ingredients.join('+')}`);
        }
        if (!existing.sources.includes(source.id)) existing.sources.push(source.id);
        continue;
      }
      const coded = terminology
        .conceptsForCoding({ system: RXNORM_SYSTEM, code })
        .filter((c) => c.kind === 'drug')
        .map((c) => c.id);
      if (coded.length > 0 && !coded.every((id) => ingredients.includes(id))) {
        throw new Error(`RxNorm ${code} ("${display}"): terminology.json says ${coded.join('+')}, ${source.id} says ${ingredients.join('+')}`);
      }
      products[code] = { display, ingredients, level: levelOf(display, namesGeneric(display)), sources: [source.id] };
    }
  }
  const ordered: ProductMappingFile['products'] = {};
  for (const code of Object.keys(products).sort((a, b) => Number(a) - Number(b))) ordered[code] = products[code]!;
  if (Object.keys(ordered).some((code) => !codingKey(RXNORM_SYSTEM, code))) throw new Error('unreachable: empty code');

  return {
    generatedBy: 'scripts/generate-rxnorm-products.ts (from clinical/sources/*.tsv and clinical/terminology.json; see clinical/sources/README.md)',
    system: RXNORM_SYSTEM,
    sources: [...sources].sort((a, b) => a.id.localeCompare(b.id)).map(({ id, file, origin, title }) => ({ id, file, origin, title })),
    products: ordered,
  };
}

/** Reads the local inputs and returns the mapping file's text. */
export function generateProductMappingText(root: string): string {
  const dir = join(root, 'clinical', 'sources');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .map((f) => parseSourceFile(`clinical/sources/${f}`, readFileSync(join(dir, f), 'utf8')));
  const terminologyRaw: unknown = JSON.parse(readFileSync(join(root, 'clinical', 'terminology.json'), 'utf8'));
  return `${JSON.stringify(buildProductMapping(sources, terminologyRaw), null, 2)}\n`;
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const target = join(root, 'clinical', 'rxnorm-products.json');
  const text = generateProductMappingText(root);
  const count = Object.keys((JSON.parse(text) as ProductMappingFile).products).length;
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== text) {
      console.error('clinical/rxnorm-products.json is out of date: run npx tsx scripts/generate-rxnorm-products.ts');
      process.exit(1);
    }
    console.log(`clinical/rxnorm-products.json is up to date (${count} codes)`);
    return;
  }
  writeFileSync(target, text);
  console.log(`wrote clinical/rxnorm-products.json (${count} codes)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
