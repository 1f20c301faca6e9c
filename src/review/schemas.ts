import { z } from 'zod';
import { DRAFT_DRUGS } from './orders.js';

/** Bodies of the review page's API (`/review/api/*`). Patient ids travel in bodies, never in logged URLs. */

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id (letters, digits, "-" or ".", at most 64)');
const uuid = z.string().min(1).max(128);

export const REVIEW_HOOKS = {
  'patient-view': 'nec-patient-view',
  'order-select': 'nec-order-select',
  'order-sign': 'nec-order-sign',
} as const;

export const labsBodySchema = z.strictObject({ patientId: fhirId });

/** `drug`: the draft order of an order hook (none: the hook is called with no draft, as after removing it). */
export const runBodySchema = z.strictObject({
  patientId: fhirId,
  hook: z.enum(['patient-view', 'order-select', 'order-sign']),
  drug: z.enum(DRAFT_DRUGS).optional(),
});

export const acceptBodySchema = z.strictObject({ cardUuid: uuid, suggestionUuid: uuid });

export const overrideBodySchema = z.strictObject({
  cardUuid: uuid,
  reasonCode: z.string().min(1).max(128),
  comment: z.string().max(2000).optional(),
});
