import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_000, STOP_ADT } from '../helpers/cards.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';
import { cardOf, NOW, ON_ABIRATERONE, openChart, orderRadium, overridden, rulesOf, sendFeedback } from './feedback-calls.js';

/**
 * Alert-fatigue control over real HTTP: an info/warning card overridden with a reason that snoozes (the decision is
 * taken: tumour board, treating oncologist, trial, patient) is not shown again for that patient for SNOOZE_DAYS,
 * measured on the clinical clock; a critical card always shows; other reasons snooze nothing.
 */

const SNOOZE_DAYS = 2;
const DAY = 86_400_000;
let clock = NOW;
let issuer: TestIssuer;
let service: RunningService;

beforeAll(async () => {
  issuer = await createTestIssuer();
  service = await startService({ issuer, now: () => clock, env: { SNOOZE_DAYS: String(SNOOZE_DAYS) } });
}, 120_000);

afterAll(async () => {
  await service?.stop();
});

describe('snoozing a card by overriding it', () => {
  it('patient-view → override "tumour board decision" → patient-view: that card is gone, the others stay; after SNOOZE_DAYS it is back', async () => {
    const before = await openChart(service, SEED_000);
    expect(rulesOf(before)).toContain(STOP_ADT);
    const card = cardOf(before, STOP_ADT);
    expect(card.indicator).toBe('warning');

    const feedback = await sendFeedback(service, [overridden(card.uuid, 'tumour-board-decision')]);
    expect(feedback.status).toBe(200);
    expect(feedback.body).toMatchObject({ stored: 1, snoozed: 1 });

    clock = new Date(NOW.getTime() + DAY);
    const during = await openChart(service, SEED_000);
    expect(rulesOf(during)).toEqual(rulesOf(before).filter((rule) => rule !== STOP_ADT));
    const log = service
      .logRecords()
      .filter((r) => r.msg === 'hook answered')
      .at(-1);
    expect(log?.snoozed).toEqual([STOP_ADT]);

    clock = new Date(NOW.getTime() + SNOOZE_DAYS * DAY + 60_000);
    const after = await openChart(service, SEED_000);
    expect(rulesOf(after)).toEqual(rulesOf(before));
  });

  it('a critical card overridden with a snoozing reason still shows', async () => {
    clock = NOW;
    const first = await orderRadium(service, ON_ABIRATERONE);
    const critical = cardOf(first, 'radium-223-visceral');
    expect(critical.indicator).toBe('critical');
    const feedback = await sendFeedback(service, [overridden(critical.uuid, 'tumour-board-decision')], { path: '/cds-services/nec-order-select' });
    expect(feedback.body).toMatchObject({ stored: 1, snoozed: 0 });
    const again = await orderRadium(service, ON_ABIRATERONE);
    expect(cardOf(again, 'radium-223-visceral').indicator).toBe('critical');
  });

  it('an override whose reason says the record is incomplete, or with no reason, snoozes nothing', async () => {
    clock = new Date(NOW.getTime() + 10 * DAY);
    const card = cardOf(await openChart(service, SEED_000), STOP_ADT);
    const feedback = await sendFeedback(service, [overridden(card.uuid, 'mixed-histology'), overridden(card.uuid, undefined, '2026-12-03T09:00:00Z')]);
    expect(feedback.body).toMatchObject({ stored: 2, snoozed: 0 });
    expect(rulesOf(await openChart(service, SEED_000))).toContain(STOP_ADT);
  });

  it('the snooze is per patient: the same rule still shows for another patient', async () => {
    clock = new Date(NOW.getTime() + 20 * DAY);
    const mine = cardOf(await openChart(service, SEED_000), STOP_ADT);
    await sendFeedback(service, [overridden(mine.uuid, 'managed-by-oncologist', '2026-12-13T09:00:00Z')]);
    expect(rulesOf(await openChart(service, SEED_000))).not.toContain(STOP_ADT);
    const other = await orderRadium(service, ON_ABIRATERONE);
    expect(rulesOf(other)).toContain('radium-223-visceral');
    expect(rulesOf(await openChart(service, ON_ABIRATERONE))).toContain(STOP_ADT);
  });
});
