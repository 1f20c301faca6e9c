import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_000, STOP_ADT } from '../helpers/cards.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { SERVICE_ID } from '../helpers/requests.js';
import { startService, type RunningService } from '../helpers/service.js';
import { accepted, cardOf, NOW, openChart, overridden, sendFeedback } from './feedback-calls.js';

/**
 * Feedback (CDS Hooks 2.0 §Feedback) over real HTTP with JWT auth, stored in the database against the cards the
 * service returned: 200 and stored once (a repeat is idempotent), 404 for a card the service never returned
 * (nothing of the batch stored), 400 for a malformed body. Runs on PGlite, and on PostgreSQL in `.ci/run`.
 */

let issuer: TestIssuer;
let service: RunningService;

beforeAll(async () => {
  issuer = await createTestIssuer();
  service = await startService({ issuer, now: () => NOW, env: { SNOOZE_DAYS: '0' } });
}, 120_000);

afterAll(async () => {
  await service?.stop();
});

describe('feedback on cards the service returned', () => {
  it('accepted: 200, stored; the same feedback again: 200, not stored twice', async () => {
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    const first = await sendFeedback(service, [accepted(card)]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 1, stored: 1, duplicates: 0, snoozed: 0 });
    const again = await sendFeedback(service, [accepted(card)]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: 1, stored: 0, duplicates: 1 });
  });

  it('overridden with a reason and a comment, and overridden without a reason: 200, both stored', async () => {
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    const withReason = {
      ...overridden(card.uuid, 'mixed-histology'),
      overrideReason: { reason: { system: 'urn:nec-cds:override-reason', code: 'mixed-histology' }, userComment: 'Adenocarcinoma component on review' },
    };
    const res = await sendFeedback(service, [withReason, overridden(card.uuid, undefined, '2026-11-23T10:06:00Z')]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 2, stored: 2 });
  });

  it('the example bodies of the spec, with the uuid of a card we returned, are accepted', async () => {
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    // examples/feedback-request-overridden-with-reason.json: a reason of another system, no display
    const res = await sendFeedback(service, [
      {
        card: card.uuid,
        outcome: 'overridden',
        overrideReason: {
          reason: { code: 'd7ecf885', system: 'https://example.com/cds-hooks/override-reason-system' },
          userComment: 'A comment entered by the clinician.',
        },
        outcomeTimestamp: '2020-12-11T00:00:00Z',
      },
    ]);
    expect(res.status).toBe(200);
  });
});

describe('feedback the service cannot match', () => {
  it('404 for a card the service never returned, naming it; nothing of the batch is stored', async () => {
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    const res = await sendFeedback(service, [accepted(card), overridden('f6b95768-b1c8-40dc-8385-bf3504b82ffb')]);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('unknown-card');
    expect(res.body.message).toMatch(/did not return; nothing of this batch was stored/);
    expect(res.body.details).toEqual(['card "f6b95768-b1c8-40dc-8385-bf3504b82ffb": unknown']);
    // The known card's feedback was not stored: sent alone now, it is new.
    expect((await sendFeedback(service, [accepted(card)])).body).toMatchObject({ stored: 1, duplicates: 0 });
  });

  it("404 for feedback sent to another service's endpoint than the one that returned the card", async () => {
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    const res = await sendFeedback(service, [accepted(card)], { path: `/cds-services/${SERVICE_ID['order-sign']}` });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('unknown-card');
  });

  it('404 unknown-service for a service we do not have', async () => {
    const res = await sendFeedback(service, [overridden('x')], { path: '/cds-services/no-such-service' });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('unknown-service');
  });

  it('400 with readable details for malformed feedback (checked before any card lookup)', async () => {
    const res = await sendFeedback(service, [
      { card: 'never-returned', outcome: 'maybe', outcomeTimestamp: 'yesterday' },
      { card: 'x', outcome: 'accepted', outcomeTimestamp: '2026-11-23T10:00:00Z' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^feedback\.0\.outcome: /),
        expect.stringMatching(/^feedback\.0\.outcomeTimestamp: /),
        'feedback.1.acceptedSuggestions: acceptedSuggestions is required when outcome is "accepted"',
      ]),
    );
    expect((await service.call(`/cds-services/${SERVICE_ID['patient-view']}/feedback`, { json: { feedback: [] } })).status).toBe(400);
  });

  it('400 for a batch larger than an EHR sends (more than 500 items)', async () => {
    const res = await sendFeedback(
      service,
      Array.from({ length: 501 }, (_, i) => overridden(`card-${i}`)),
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/at most 500 items, got 501/);
  });

  it('401 without a token, before anything is looked up', async () => {
    expect((await sendFeedback(service, [overridden('x')], { token: null })).status).toBe(401);
  });
});

describe('readiness', () => {
  it('/readyz is 200 while the database answers', async () => {
    const res = await service.call<{ status: string }>('/readyz', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });
});
