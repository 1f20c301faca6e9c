import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_000, STOP_ADT } from '../helpers/cards.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';
import { accepted, cardOf, NOW, openChart, overridden, sendFeedback } from './feedback-calls.js';

/**
 * `GET /analytics/rules` over real HTTP: off unless ANALYTICS=enabled, authenticated like every CDS route, and per
 * rule the cards shown, accepted, overridden, the acceptance rate and the override reasons, most frequent first.
 */

const STOP_TKI = 'stop-vegf-tki-small-cell';
const START_CHEMO = 'start-platinum-etoposide';

interface RuleRow {
  ruleId: string;
  shown: number;
  accepted: number;
  overridden: number;
  acceptanceRate: number;
  overrideReasons: { code: string | null; display?: string; count: number }[];
}

let issuer: TestIssuer;
let service: RunningService;
let disabled: RunningService;

beforeAll(async () => {
  issuer = await createTestIssuer();
  // SNOOZE_DAYS=0: every chart open shows every card, so the counts below are exact.
  service = await startService({ issuer, now: () => NOW, env: { ANALYTICS: 'enabled', SNOOZE_DAYS: '0' } });
  disabled = await startService({ issuer, now: () => NOW });
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await disabled?.stop();
});

describe('GET /analytics/rules', () => {
  it('is not served unless ANALYTICS=enabled', async () => {
    expect((await disabled.call('/analytics/rules')).status).toBe(404);
  });

  it('requires a JWT like every CDS route', async () => {
    expect((await service.call('/analytics/rules', { token: null })).status).toBe(401);
  });

  it('counts cards shown, accepted and overridden per rule, each card once, with the reasons ranked', async () => {
    const [a, b, c] = [await openChart(service, SEED_000), await openChart(service, SEED_000), await openChart(service, SEED_000)];
    const feedback = [
      accepted(cardOf(a, STOP_ADT)),
      accepted(cardOf(b, STOP_ADT)),
      overridden(cardOf(c, STOP_ADT).uuid, 'tumour-board-decision'),
      overridden(cardOf(a, STOP_TKI).uuid, 'managed-by-oncologist'),
      overridden(cardOf(b, STOP_TKI).uuid, 'managed-by-oncologist'),
      overridden(cardOf(c, STOP_TKI).uuid),
      // the same card overridden again later: still one overridden card
      overridden(cardOf(c, STOP_TKI).uuid, undefined, '2026-11-23T11:00:00Z'),
    ];
    expect((await sendFeedback(service, feedback)).body).toMatchObject({ stored: 7 });

    const res = await service.call<{ rules: RuleRow[] }>('/analytics/rules');
    expect(res.status).toBe(200);
    const byRule = new Map(res.body.rules.map((r) => [r.ruleId, r]));
    expect(byRule.get(STOP_ADT)).toEqual({
      ruleId: STOP_ADT,
      shown: 3,
      accepted: 2,
      overridden: 1,
      acceptanceRate: 0.667,
      overrideReasons: [{ code: 'tumour-board-decision', display: 'Tumour board decision', count: 1 }],
    });
    expect(byRule.get(STOP_TKI)).toEqual({
      ruleId: STOP_TKI,
      shown: 3,
      accepted: 0,
      overridden: 3,
      acceptanceRate: 0,
      overrideReasons: [
        { code: 'managed-by-oncologist', display: 'Managed by treating oncologist', count: 2 },
        { code: null, count: 1 },
      ],
    });
    expect(byRule.get(START_CHEMO)).toMatchObject({ shown: 3, accepted: 0, overridden: 0, overrideReasons: [] });
    expect(res.body.rules.every((r) => r.shown === 3)).toBe(true);
  });
});
