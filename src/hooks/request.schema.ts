import { z } from 'zod';

/**
 * CDS Hooks 2.0 request bodies. Strict where safety depends on it (ids that go into FHIR URLs, the token and
 * its server), lenient where real clients deviate: unknown fields are kept, draft orders are taken as they come
 * (the Sandbox sends object-valued `reasonCode` and drafts without `intent`).
 */

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id (letters, digits, "-" or ".", at most 64)');
const httpUrl = z.url({ protocol: /^https?$/ });

const draftResource = z.looseObject({
  resourceType: z.string().min(1),
  id: fhirId,
});

const draftOrders = z.looseObject({
  resourceType: z.literal('Bundle'),
  entry: z.array(z.looseObject({ resource: draftResource })).default([]),
});

const reference = z.string().regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/, 'must be a reference such as "MedicationRequest/123"');

export const contextSchemas = {
  'patient-view': z.looseObject({ userId: z.string().min(1), patientId: fhirId, encounterId: fhirId.optional() }),
  'order-select': z.looseObject({
    userId: z.string().min(1),
    patientId: fhirId,
    encounterId: fhirId.optional(),
    selections: z.array(reference),
    draftOrders,
  }),
  'order-sign': z.looseObject({ userId: z.string().min(1), patientId: fhirId, encounterId: fhirId.optional(), draftOrders }),
} as const;

export const hookRequestSchema = z
  .looseObject({
    hook: z.string().min(1),
    hookInstance: z.string().min(1).max(128),
    fhirServer: httpUrl.optional(),
    fhirAuthorization: z
      .looseObject({
        access_token: z.string().min(1),
        token_type: z.string().optional(),
        expires_in: z.number().optional(),
        scope: z.string().optional(),
        subject: z.string().optional(),
        patient: z.string().optional(),
      })
      .optional(),
    context: z.looseObject({}),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((body) => !body.fhirAuthorization || body.fhirServer, {
    message: 'fhirServer is required when fhirAuthorization is given',
    path: ['fhirServer'],
  });

export type HookRequest = z.infer<typeof hookRequestSchema>;

const coding = z.looseObject({ system: z.string().optional(), code: z.string().min(1), display: z.string().optional() });

export const feedbackSchema = z.strictObject({
  feedback: z
    .array(
      z
        .looseObject({
          card: z.string().min(1),
          outcome: z.enum(['accepted', 'overridden']),
          acceptedSuggestions: z.array(z.looseObject({ id: z.string().min(1) })).optional(),
          overrideReason: z.looseObject({ reason: coding.optional(), userComment: z.string().max(2000).optional() }).optional(),
          outcomeTimestamp: z.iso.datetime({ offset: true }),
        })
        .refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
          message: 'acceptedSuggestions is required when outcome is "accepted"',
          path: ['acceptedSuggestions'],
        }),
    )
    .min(1),
});

/** zod issues as lines a person can act on: `context.patientId: must be a FHIR id …`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`);
}
