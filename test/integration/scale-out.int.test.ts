import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEED_000, STOP_ADT } from '../helpers/cards.js';
import { POSTGRES_URL } from '../helpers/database.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';
import { accepted, cardOf, NOW, openChart, overridden, PATIENT_VIEW, rulesOf, sendFeedback } from './feedback-calls.js';

/**
 * Two instances of the service behind one public URL (a load balancer's), each with its own connection pool to one
 * PostgreSQL: nothing but the database is shared, and that is enough. PGlite cannot be opened by two processes, so
 * this needs DATABASE_URL: it runs in the PostgreSQL pass of `.ci/run` and is skipped otherwise.
 */

const PUBLIC = 'https://cds.example.org';
let issuer: TestIssuer;
let a: RunningService;
let b: RunningService;

const token = (path: string) => issuer.sign({ aud: `${PUBLIC}${path.split('?')[0]}` });

describe.skipIf(!POSTGRES_URL)('two instances sharing one PostgreSQL (needs DATABASE_URL: runs in the PostgreSQL pass of .ci/run)', () => {
  beforeAll(async () => {
    issuer = await createTestIssuer();
    const env = { PUBLIC_BASE_URLS: PUBLIC, PATIENT_HASH_SALT: 'scale-out-test-salt-0123456789', ANALYTICS: 'enabled' };
    a = await startService({ issuer, now: () => NOW, database: 'own', env });
    b = await startService({ issuer, now: () => NOW, database: 'own', env });
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('feedback on a card that instance A returned is taken by instance B, and both report it in analytics', async () => {
    const card = cardOf(await openChart(a, SEED_000, { token: await token(PATIENT_VIEW) }), STOP_ADT);
    const res = await sendFeedback(b, [accepted(card)], { token: await token(`${PATIENT_VIEW}/feedback`) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stored: 1 });
    for (const instance of [a, b]) {
      const analytics = await instance.call<{ rules: { ruleId: string; shown: number; accepted: number }[] }>('/analytics/rules', {
        token: await token('/analytics/rules'),
      });
      expect(analytics.body.rules.find((r) => r.ruleId === STOP_ADT)).toMatchObject({ shown: 1, accepted: 1 });
    }
  });

  it('a token used at instance A is refused as a replay at instance B', async () => {
    const used = await token('/cds-services');
    expect((await a.call('/cds-services', { token: used })).status).toBe(200);
    const replayed = await b.call<{ message: string }>('/cds-services', { token: used });
    expect(replayed.status).toBe(401);
    expect(replayed.body.message).toMatch(/jti replay/);
  });

  it('a card snoozed through instance A is not shown by instance B (same salt, same database), as soon as B is notified', async () => {
    const card = cardOf(await openChart(a, SEED_000, { token: await token(PATIENT_VIEW) }), STOP_ADT);
    await sendFeedback(a, [overridden(card.uuid, 'tumour-board-decision', '2026-11-23T10:10:00Z')], { token: await token(`${PATIENT_VIEW}/feedback`) });
    expect(rulesOf(await openChart(a, SEED_000, { token: await token(PATIENT_VIEW) }))).not.toContain(STOP_ADT);
    // B hears of it by NOTIFY on commit: milliseconds, not a fixed delay.
    await vi.waitFor(async () => expect(rulesOf(await openChart(b, SEED_000, { token: await token(PATIENT_VIEW) }))).not.toContain(STOP_ADT), {
      timeout: 5000,
      interval: 50,
    });
  });
});
