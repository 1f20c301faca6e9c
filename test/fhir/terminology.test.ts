import { describe, expect, it } from 'vitest';
import { buildTerminology, codingKey, loadTerminology } from '../../src/fhir/terminology.js';

const terminology = loadTerminology();
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

describe('terminology', () => {
  it('loads the verified codes and counts the unverified ones', () => {
    expect(terminology.unverifiedCodeCount).toBe(13);
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

  it.each(['prednisone 5 mg', 'metformin', 'leuprolidex', 'pre-leuprolide-ish'])('drugsInText(%s) finds nothing', (text) => {
    expect(terminology.drugsInText(text)).toEqual([]);
  });

  it('rejects a malformed file with a message naming the concept and field', () => {
    expect(() => buildTerminology({ leuprolide: { label: 'x', kind: 'drug', codes: [{ system: RXNORM }] } })).toThrow(/leuprolide\.codes\.0\.code/);
    expect(() => buildTerminology({ x: { label: 'x', kind: 'drug', codes: [], classes: ['NOT-A-CLASS'] } })).toThrow(/x\.classes\.0/);
  });
});
