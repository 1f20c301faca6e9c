import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTerminology, codingKey, loadTerminology } from '../../src/fhir/terminology.js';

const terminology = loadTerminology();
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

describe('terminology', () => {
  it('loads the verified codes and counts the unverified ones', () => {
    // 13 before the 2nd verification pass; 6 verified since (see clinical/terminology.json verifiedFrom).
    expect(terminology.unverifiedCodeCount).toBe(7);
    expect(terminology.concept('leuprolide').classes).toEqual(['ADT']);
  });

  it.each([
    ['42375', 'ingredient'],
    ['2606516', 'clinical drug (22.5 mg injection)'],
    ['752899', 'clinical drug as Synthea codes it'],
  ])('finds leuprolide by RxNorm %s (%s)', (code) => {
    expect(terminology.conceptsForCoding({ system: RXNORM, code }).map((c) => c.id)).toEqual(['leuprolide']);
  });

  it('folds system aliases and code punctuation', () => {
    expect(codingKey('urn:oid:2.16.840.1.113883.6.90', 'c78.7')).toBe(codingKey('http://hl7.org/fhir/sid/icd-10-cm', 'C787'));
    expect(codingKey('http://hl7.org/fhir/sid/icd-o-3', '8041/3')).toBe(codingKey('http://terminology.hl7.org/CodeSystem/icd-o-3', '80413'));
    expect(terminology.conceptsForCoding({ system: 'urn:oid:2.16.840.1.113883.6.90', code: 'C61' }).map((c) => c.id)).toEqual(['prostate-cancer']);
  });

  it('never matches an unverified code (apalutamide 1999574): such drugs are matched by name', () => {
    expect(terminology.conceptsForCoding({ system: RXNORM, code: '1999574' })).toEqual([]);
    expect(terminology.drugsInText('Erleada 240 mg daily').map((c) => c.id)).toEqual(['apalutamide']);
  });

  it.each([
    ['Lupron Depot 22.5 mg', ['leuprolide']],
    ['Lupron 7.5 mg monthly', ['leuprolide']],
    ['Zoladex 10.8 mg implant', ['goserelin']],
    ['carboplatin + etoposide phosphate', ['carboplatin', 'etoposide']],
    ['axitinib 5 MG Oral Tablet', ['axitinib']],
    ['Firmagon 80 mg', ['degarelix']],
  ])('drugsInText(%s) → %s', (text, ids) => {
    expect(terminology.drugsInText(text).map((c) => c.id)).toEqual(ids);
  });

  it.each(['dexamethasone 4 mg', 'metformin', 'leuprolidex', 'pre-leuprolide-ish'])('drugsInText(%s) finds nothing', (text) => {
    expect(terminology.drugsInText(text)).toEqual([]);
  });

  it('rejects a malformed file with a message naming the concept and field', () => {
    expect(() => buildTerminology({ leuprolide: { label: 'x', kind: 'drug', codes: [{ system: RXNORM }] } })).toThrow(/leuprolide\.codes\.0\.code/);
    expect(() => buildTerminology({ x: { label: 'x', kind: 'drug', codes: [], classes: ['NOT-A-CLASS'] } })).toThrow(/x\.classes\.0/);
  });

  describe('the generated RxNorm product mapping (clinical/rxnorm-products.json)', () => {
    const raw: unknown = JSON.parse(readFileSync(new URL('../../clinical/terminology.json', import.meta.url), 'utf8'));
    const products = JSON.parse(readFileSync(new URL('../../clinical/rxnorm-products.json', import.meta.url), 'utf8')) as {
      products: Record<string, { ingredients: string[] }>;
    };

    it('is loaded at start-up', () => {
      expect(terminology.productCodeCount).toBe(Object.keys(products.products).length);
      expect(terminology.productCodeCount).toBeGreaterThan(100);
    });

    it.each([
      ['152200', 'carboplatin', 'brand name Paraplatin'],
      ['1182364', 'carboplatin', 'Paraplatin Injectable Product'],
      ['274342', 'etoposide', 'brand name Etopophos'],
      ['1187878', 'etoposide', 'Vepesid Oral Product'],
      ['616274', 'sunitinib', 'brand name Sutent'],
    ])('maps RxNorm %s to %s (%s), a code terminology.json does not list', (code, drug) => {
      expect(buildTerminology(raw).conceptsForCoding({ system: RXNORM, code })).toEqual([]);
      expect(terminology.conceptsForCoding({ system: RXNORM, code }).map((c) => c.id)).toEqual([drug]);
    });

    it('every product maps to drug concepts only', () => {
      for (const [code, product] of Object.entries(products.products)) {
        const ids = terminology.conceptsForCoding({ system: RXNORM, code }).map((c) => c.id);
        expect(ids, code).toEqual(expect.arrayContaining(product.ingredients));
        for (const id of product.ingredients) expect(terminology.concept(id).kind, code).toBe('drug');
      }
    });

    it('a malformed mapping stops start-up naming the entry', () => {
      const base = { generatedBy: 'x', system: RXNORM, sources: [{ id: 's', file: 'f', origin: 'o', title: 't' }] };
      expect(() =>
        buildTerminology(raw, { ...base, products: { '752899': { display: 'x', ingredients: ['not-a-drug'], level: 'clinical-drug', sources: ['s'] } } }),
      ).toThrow(/products\.752899\.ingredients: "not-a-drug" is not a drug concept/);
      expect(() =>
        buildTerminology(raw, { ...base, products: { '752899': { display: 'x', ingredients: ['psa'], level: 'clinical-drug', sources: ['s'] } } }),
      ).toThrow(/products\.752899\.ingredients: "psa"/);
      expect(() =>
        buildTerminology(raw, { ...base, products: { '7528x9': { display: 'x', ingredients: ['leuprolide'], level: 'clinical-drug', sources: ['s'] } } }),
      ).toThrow(/products\.7528x9/);
      expect(() =>
        buildTerminology(raw, { ...base, products: { '752899': { display: 'x', ingredients: ['leuprolide'], level: 'tablet', sources: ['s'] } } }),
      ).toThrow(/products\.752899\.level/);
      expect(() =>
        buildTerminology(raw, { ...base, products: { '752899': { display: 'x', ingredients: ['leuprolide'], level: 'clinical-drug', sources: ['nope'] } } }),
      ).toThrow(/products\.752899\.sources: "nope"/);
    });
  });
});
