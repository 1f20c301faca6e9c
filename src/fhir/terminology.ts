import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DrugClass, HistologyClass, MetastasisSite, PrimarySite } from '../engine/picture.js';
import { projectPath } from '../paths.js';

/**
 * Which codes mean which concept ("leuprolide", "small cell carcinoma", "prostate cancer"): loaded once from
 * `clinical/terminology.json` (a copy of `../shared/clinical/terminology.json`), checked at start-up. Codes whose
 * `verifiedFrom` is null are unverified and never matched by code; those drugs are matched by name in text.
 * Drug codes at product level (clinical/branded drugs, packs, brand names) also come from the generated
 * `clinical/rxnorm-products.json` (see `scripts/generate-rxnorm-products.ts` and `clinical/sources/README.md`).
 */

const drugClasses = [
  'ADT',
  'ARPI',
  'ANTIANDROGEN',
  'VEGF-TKI',
  'PLATINUM',
  'ETOPOSIDE',
  'TAXANE',
  'SSA',
  'RADIUM',
  'COLORECTAL-REGIMEN',
  'CAPTEM',
  'CPI',
  'PARPI',
  'BONE',
  'PRRT',
  'MTOR/TKI-PNET',
] as const satisfies readonly DrugClass[];
const histologyClasses = [
  'small-cell',
  'large-cell-nec',
  'nec-poorly-differentiated',
  'net-well-differentiated',
  'minen',
  'adenocarcinoma',
  'neuroendocrine-unspecified',
] as const satisfies readonly HistologyClass[];
const primarySites = ['prostate', 'colon', 'rectum', 'pancreas', 'lung', 'merkel', 'unknown', 'other'] as const satisfies readonly PrimarySite[];

const codeSchema = z.object({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().nullable(),
  verifiedFrom: z.string().nullable(),
  /** RxNorm level when it is not the ingredient (`clinical-drug`, `branded`, …). */
  level: z.string().optional(),
});

const metastasisSites = [
  'liver',
  'lung',
  'pleura',
  'bone',
  'brain',
  'lymph-node',
  'peritoneum',
  'adrenal',
  'other',
] as const satisfies readonly MetastasisSite[];

/** A unit a lab arrives in; `factor` says how to reach the canonical unit (a number, or words for a human). */
const unitSchema = z.object({
  unit: z.string().min(1),
  canonical: z.boolean().optional(),
  factor: z.union([z.number(), z.string()]).optional(),
  note: z.string().optional(),
});

const valueCodeSchema = z.object({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().nullable().optional(),
  maps: z.string().optional(),
  verifiedFrom: z.string().nullable().optional(),
});

const conceptSchema = z.object({
  label: z.string().min(1),
  kind: z.enum(['drug', 'lab', 'biomarker', 'vital', 'status', 'histology', 'condition', 'site', 'procedure', 'reference']),
  codes: z.array(codeSchema),
  note: z.string().optional(),
  units: z.array(unitSchema).optional(),
  classes: z.array(z.enum(drugClasses)).optional(),
  histologyClass: z.enum(histologyClasses).optional(),
  primarySite: z.enum(primarySites).optional(),
  metastasisSite: z.enum(metastasisSites).optional(),
  visceral: z.boolean().optional(),
  liverDirected: z.boolean().optional(),
  valueCodes: z.array(valueCodeSchema).optional(),
});

const terminologyFileSchema = z.record(z.string(), conceptSchema);

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** RxNorm term-type families a product code can have (read from its display by the generator). */
export const productLevels = ['ingredient', 'clinical-drug', 'branded-drug', 'brand-name', 'generic-pack', 'branded-pack'] as const;

const productSchema = z.strictObject({
  display: z.string().min(1),
  /** Drug concept ids of clinical/terminology.json. */
  ingredients: z.array(z.string().min(1)).min(1),
  level: z.enum(productLevels),
  /** Ids of the source files (clinical/sources) the code was read from. */
  sources: z.array(z.string().min(1)).min(1),
});

/** `clinical/rxnorm-products.json`: RxNorm codes at any level → the drug concepts they contain. */
const productMappingFileSchema = z.strictObject({
  generatedBy: z.string().min(1),
  system: z.literal(RXNORM_SYSTEM),
  sources: z.array(z.strictObject({ id: z.string().min(1), file: z.string().min(1), origin: z.string().min(1), title: z.string().min(1) })),
  products: z.record(z.string().regex(/^\d+$/, 'an RxNorm code is digits only'), productSchema),
});

export type ProductMappingFile = z.infer<typeof productMappingFileSchema>;

export type Concept = z.infer<typeof conceptSchema> & { id: string };

/** Systems whose codes arrive under more than one URI in real data. */
const SYSTEM_ALIASES: Record<string, string> = {
  'urn:oid:2.16.840.1.113883.6.88': 'http://www.nlm.nih.gov/research/umls/rxnorm',
  'urn:oid:2.16.840.1.113883.6.96': 'http://snomed.info/sct',
  'urn:oid:2.16.840.1.113883.6.1': 'http://loinc.org',
  'urn:oid:2.16.840.1.113883.6.90': 'http://hl7.org/fhir/sid/icd-10-cm',
  'http://hl7.org/fhir/sid/icd-10': 'http://hl7.org/fhir/sid/icd-10-cm',
  'urn:oid:2.16.840.1.113883.6.43.1': 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  'http://hl7.org/fhir/sid/icd-o-3': 'http://terminology.hl7.org/CodeSystem/icd-o-3',
};

const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICDO3 = 'http://terminology.hl7.org/CodeSystem/icd-o-3';

/** A coding system with its aliases folded (`urn:oid:2.16.840.1.113883.6.1` → `http://loinc.org`). */
export function canonicalSystem(system: string): string {
  const trimmed = system.trim();
  return SYSTEM_ALIASES[trimmed] ?? trimmed;
}

/** Canonical key for a coding: alias systems folded, ICD-10 without dots, ICD-O-3 without the slash. */
export function codingKey(system: unknown, code: unknown): string | undefined {
  // Prefetch is whatever the client sent: a code may arrive as a number or an object.
  if (typeof system !== 'string' || typeof code !== 'string' || !system || !code) return undefined;
  const sys = SYSTEM_ALIASES[system.trim()] ?? system.trim();
  let c = code.trim().toUpperCase();
  if (sys === ICD10) c = c.replace(/\./g, '');
  if (sys === ICDO3) c = c.replace('/', '');
  return `${sys}|${c}`;
}

interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface Terminology {
  concept(id: string): Concept;
  /** Concepts that list this coding (verified codes only), or that an RxNorm product of the mapping contains. */
  conceptsForCoding(coding: Coding): Concept[];
  /** Drug concepts named in free text ("Lupron Depot 22.5 mg" → leuprolide), in order of appearance. */
  drugsInText(text: string): Concept[];
  /** Every concept of a kind. */
  byKind(kind: Concept['kind']): Concept[];
  /** The code to write on an order for a concept: a drug's verified RxNorm ingredient, else its first verified code. */
  orderCode(id: string): { system: string; code: string; display: string } | undefined;
  readonly unverifiedCodeCount: number;
  /** RxNorm codes known from `clinical/rxnorm-products.json` (0 when no mapping was given). */
  readonly productCodeCount: number;
}

/** Names a drug goes by in text: the generic name and the brands in its label's parentheses. */
export function drugNames(concept: Concept): string[] {
  const [generic = '', rest = ''] = concept.label.split('(', 2);
  const brands = rest
    .replace(/\).*$/, '')
    .split(/[,;]/)
    .map((part) => part.trim().replace(/^(incl\.|also)\s+/i, ''))
    .filter((part) => part.length >= 3 && !/\b(is|for|not|separate)\b/.test(part) && !/^[a-z]+$/.test(part));
  const names = [generic.trim(), concept.id.replace(/-/g, ' '), ...brands];
  // "Lupron Depot" is also written "Lupron": accept a brand's first word when it is distinctive.
  for (const brand of brands) {
    const first = brand.split(/\s+/)[0] ?? '';
    if (first !== brand && first.length >= 5 && /^[A-Z]/.test(first)) names.push(first);
  }
  return [...new Set(names.filter(Boolean).map((n) => n.toLowerCase()))];
}

/** What `conceptsForCoding` answers for a coding no concept lists (shared: callers only read it). */
const NO_CONCEPTS = Object.freeze([]) as unknown as Concept[];
/** Distinct (system, code) pairs remembered by `conceptsForCoding` before the memory starts again. */
const MAX_REMEMBERED_LOOKUPS = 50_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function addProducts(products: unknown, concepts: Map<string, Concept>, byCoding: Map<string, Concept[]>): number {
  const parsed = productMappingFileSchema.safeParse(products);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 10);
    throw new Error(`clinical/rxnorm-products.json is not valid:\n  ${issues.join('\n  ')}`);
  }
  const sourceIds = new Set(parsed.data.sources.map((s) => s.id));
  const problems: string[] = [];
  for (const [code, product] of Object.entries(parsed.data.products)) {
    for (const id of product.ingredients) {
      const concept = concepts.get(id);
      if (!concept || concept.kind !== 'drug') problems.push(`products.${code}.ingredients: "${id}" is not a drug concept of clinical/terminology.json`);
    }
    for (const source of product.sources) {
      if (!sourceIds.has(source)) problems.push(`products.${code}.sources: "${source}" is not one of the listed sources`);
    }
  }
  if (problems.length > 0) throw new Error(`clinical/rxnorm-products.json is not valid:\n  ${problems.slice(0, 10).join('\n  ')}`);
  for (const [code, product] of Object.entries(parsed.data.products)) {
    const key = codingKey(RXNORM_SYSTEM, code);
    if (!key) continue;
    const known = byCoding.get(key) ?? [];
    const added = product.ingredients.map((id) => concepts.get(id)).filter((c): c is Concept => c !== undefined && !known.includes(c));
    if (added.length > 0) byCoding.set(key, [...known, ...added]);
  }
  return Object.keys(parsed.data.products).length;
}

/**
 * Builds the terminology index from parsed JSON.
 * @param raw - the content of terminology.json
 * @param products - the content of rxnorm-products.json (RxNorm product code → drug concepts); optional
 * @throws Error naming the concept and field (or the product code) when a file does not have the expected shape
 */
export function buildTerminology(raw: unknown, products?: unknown): Terminology {
  const parsed = terminologyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 10);
    throw new Error(`clinical/terminology.json is not valid:\n  ${issues.join('\n  ')}`);
  }
  const concepts = new Map<string, Concept>();
  const byCoding = new Map<string, Concept[]>();
  let unverified = 0;
  for (const [id, body] of Object.entries(parsed.data)) {
    const concept: Concept = { ...body, id };
    concepts.set(id, concept);
    for (const code of concept.codes) {
      if (code.verifiedFrom === null) {
        unverified++;
        continue;
      }
      const key = codingKey(code.system, code.code);
      if (!key) continue;
      byCoding.set(key, [...(byCoding.get(key) ?? []), concept]);
    }
  }
  const productCodeCount = products === undefined ? 0 : addProducts(products, concepts, byCoding);
  const drugPatterns = [...concepts.values()]
    .filter((c) => c.kind === 'drug')
    .flatMap((c) => drugNames(c).map((name) => ({ concept: c, name })))
    .sort((a, b) => b.name.length - a.name.length)
    .map(({ concept, name }) => ({ concept, re: new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`, 'i') }));

  const lookups = new Map<string, Map<string, Concept[]>>();
  let lookupCount = 0;

  return {
    concept(id) {
      const found = concepts.get(id);
      if (!found) throw new Error(`terminology has no concept "${id}"`);
      return found;
    },
    conceptsForCoding(coding) {
      const { system, code } = coding;
      // Hot path (every coding of every resource, in several extractors): remembered by the codes as written, so a
      // coding seen before costs two Map look-ups instead of folding its system and code again.
      if (typeof system === 'string' && typeof code === 'string') {
        let bySystem = lookups.get(system);
        const known = bySystem?.get(code);
        if (known) return known;
        const key = codingKey(system, code);
        const found = (key ? byCoding.get(key) : undefined) ?? NO_CONCEPTS;
        if (lookupCount >= MAX_REMEMBERED_LOOKUPS) {
          lookups.clear();
          lookupCount = 0;
          bySystem = undefined;
        }
        if (!bySystem) lookups.set(system, (bySystem = new Map<string, Concept[]>()));
        bySystem.set(code, found);
        lookupCount++;
        return found;
      }
      const key = codingKey(system, code);
      return key ? (byCoding.get(key) ?? NO_CONCEPTS) : NO_CONCEPTS;
    },
    drugsInText(text) {
      const hits: { concept: Concept; at: number }[] = [];
      for (const { concept, re } of drugPatterns) {
        const m = re.exec(text);
        if (m && !hits.some((h) => h.concept.id === concept.id)) hits.push({ concept, at: m.index });
      }
      return hits.sort((a, b) => a.at - b.at).map((h) => h.concept);
    },
    orderCode(id) {
      const concept = concepts.get(id);
      const verified = (concept?.codes ?? []).filter((c) => c.verifiedFrom !== null);
      const chosen = concept?.kind === 'drug' ? verified.find((c) => c.system === RXNORM_SYSTEM && c.level === undefined) : verified[0];
      return chosen ? { system: chosen.system, code: chosen.code, display: chosen.display ?? concept?.label ?? id } : undefined;
    },
    byKind(kind) {
      return [...concepts.values()].filter((c) => c.kind === kind);
    },
    unverifiedCodeCount: unverified,
    productCodeCount,
  };
}

/** Loads and checks `clinical/terminology.json` and the generated `clinical/rxnorm-products.json`. */
export function loadTerminology(): Terminology {
  return buildTerminology(
    JSON.parse(readFileSync(projectPath('clinical/terminology.json'), 'utf8')),
    JSON.parse(readFileSync(projectPath('clinical/rxnorm-products.json'), 'utf8')),
  );
}
