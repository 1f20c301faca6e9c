import { readFileSync, readdirSync } from 'node:fs';
import type { Bundle, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { classifyNepc } from '../../../src/engine/classify/nepc.js';
import { buildPicture } from '../../../src/fhir/picture.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const NOW = new Date('2026-11-23T09:00:00Z');
const OPTIONS = { depotGraceDays: 14, adjustedWeightAbovePercentIdeal: 120 };
const fixtures = new URL('../../../fixtures/patients/', import.meta.url);
const external = new URL('../../../../shared/external-fhir/', import.meta.url);

function pictureOf(...values: (Resource | Bundle)[]) {
  const resources = new ResourceSet();
  for (const value of values) resources.add(value);
  return buildPicture({ patientId: 'p', hook: 'patient-view', now: NOW, resources, unreadable: [] }, terminology, OPTIONS);
}

function readJson(url: URL): Resource {
  return JSON.parse(readFileSync(url, 'utf8')) as Resource;
}

describe('buildPicture on the demo fixtures', () => {
  it('seed 000: prostate cancer, small cell in the liver biopsy (not mixed), leuprolide and axitinib current', () => {
    const p = pictureOf(readJson(new URL('seed-000-nepc-liver.json', fixtures)));
    expect(p.cancers.map((c) => c.primarySite)).toEqual(['prostate']);
    expect(p.histology.filter((h) => h.histologyClass === 'small-cell')).toEqual([
      expect.objectContaining({ specimenSite: 'liver', mixed: false, sources: ['DiagnosticReport/seed-000-liver-biopsy'], date: '2026-10-14' }),
    ]);
    expect(p.therapies.map((t) => [t.drug, t.status, t.asRecorded])).toEqual([
      ['leuprolide', 'current', 'Lupron Depot 22.5 mg'],
      ['axitinib', 'current', 'axitinib 5 mg tablet'],
    ]);
    expect(classifyNepc(p).status).toBe('nepc');
  });

  it('a report saying "no small cell component" gives no small cell finding; goserelin found through a separate Medication', () => {
    const p = pictureOf(readJson(new URL('near-miss-no-small-cell-component.json', fixtures)));
    expect(p.histology.map((h) => h.histologyClass)).not.toContain('small-cell');
    expect(p.therapies.map((t) => t.drug)).toEqual(['goserelin']);
  });

  it('leuprolide through a contained Medication', () => {
    const p = pictureOf(readJson(new URL('near-miss-adeno-on-leuprolide.json', fixtures)));
    expect(p.therapies.map((t) => [t.drug, t.status])).toEqual([['leuprolide', 'current']]);
  });

  it('a separate Medication that is not in the call leaves the drug unidentified (never guessed)', () => {
    const request = {
      resourceType: 'MedicationRequest',
      id: 'm1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
      medicationReference: { reference: 'Medication/elsewhere' },
    } as Resource;
    expect(pictureOf(request).therapies).toEqual([]);
  });
});

describe('buildPicture on data nobody here wrote (../shared/external-fhir)', () => {
  const folders = ['mcode-stu4', 'synthea-smart-r4', 'fhir-r4-core-examples', 'cerner-millennium-r4-docs', 'ronin-interop-ehr-epic-cerner', 'us-core-9.0.0'];
  const files = folders.flatMap((folder) =>
    readdirSync(new URL(`${folder}/`, external))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${folder}/${f}`),
  );

  it('reads every file without throwing', () => {
    expect(files.length).toBeGreaterThan(150);
    for (const file of files) expect(() => pictureOf(readJson(new URL(file, external))), file).not.toThrow();
  });

  it('no "non-small cell" text anywhere is read as small cell', () => {
    const nsclc = files.filter((f) => readFileSync(new URL(f, external), 'utf8').toLowerCase().includes('non-small cell'));
    expect(nsclc.length).toBeGreaterThan(5);
    for (const file of nsclc) {
      const p = pictureOf(readJson(new URL(file, external)));
      expect(
        p.histology.filter((h) => h.histologyClass === 'small-cell'),
        file,
      ).toEqual([]);
    }
  });

  it('Synthea small cell lung cancer + prostate carcinoma on leuprolide: origin uncertain, never NEPC', () => {
    const p = pictureOf(readJson(new URL('synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json', external)));
    expect(new Set(p.cancers.map((c) => c.primarySite))).toEqual(new Set(['prostate', 'lung']));
    expect(p.histology.some((h) => h.histologyClass === 'small-cell' && h.specimenSite === 'lung')).toBe(true);
    const current = p.therapies.filter((t) => t.status === 'current').map((t) => t.drug);
    expect(current).toContain('leuprolide');
    expect(p.therapies.filter((t) => t.drug === 'etoposide').every((t) => t.status === 'past')).toBe(true);
    expect(classifyNepc(p).status).toBe('origin-uncertain');
  });

  it('an entered-in-error MedicationRequest is not therapy', () => {
    const resource = readJson(new URL('cerner-millennium-r4-docs/r4-medication-request-entered-in-error.json', external));
    expect(pictureOf(resource).therapies).toEqual([]);
  });
});
