import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/fhir/prefetch.js';

const now = new Date('2026-11-23T09:00:00Z');
const context = { patientId: 'p-1', userId: 'Practitioner/dr-7', encounterId: 'e 1', draftOrders: { resourceType: 'Bundle' } };

describe('renderTemplate', () => {
  it.each([
    ['Patient/{{context.patientId}}', 'Patient/p-1'],
    ['Condition?patient={{context.patientId}}&_count=100', 'Condition?patient=p-1&_count=100'],
    ['Encounter/{{context.encounterId}}', 'Encounter/e%201'],
    ['Practitioner/{{userPractitionerId}}', 'Practitioner/dr-7'],
    ['Practitioner/{{ context.userId }}', 'Practitioner/Practitioner%2Fdr-7'],
    ['Observation?date=ge{{today()}}', 'Observation?date=ge2026-11-23'],
    ['Observation?date=ge{{today() - 90 days}}', 'Observation?date=ge2026-08-25'],
    ['Appointment?date=le{{today() + 1 day}}', 'Appointment?date=le2026-11-24'],
  ])('%s → %s', (template, expected) => {
    expect(renderTemplate(template, context, now)).toBe(expected);
  });

  it.each([
    ['PractitionerRole/{{userPractitionerRoleId}}', 'the user is a Practitioner'],
    ['Bundle/{{context.draftOrders}}', 'objects are not tokens'],
    ['Patient/{{context.missing}}', 'no such field'],
    ['Patient/{{somethingElse}}', 'unknown token'],
  ])('%s cannot be rendered (%s)', (template) => {
    expect(renderTemplate(template, context, now)).toBeUndefined();
  });
});
