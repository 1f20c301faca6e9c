import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MedicationRequest } from 'fhir/r4.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirGet, repoRoot, startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';
import { launchChromium, skipBrowserTests } from './chromium.js';

/**
 * The card review page in a real browser: Debian Chromium against the service (auth on) and the embedded FHIR
 * server process with the demo patients (seed 000 among them), real HTTP throughout.
 */

const SEED_000 = 'seed-000-nepc-liver';
const CLINICAL_NOW = new Date('2026-11-23T09:00:00Z');
const SCREENSHOT = join(repoRoot, 'reports', 'review-seed-000.png');
const STOP_ADT = 'article[data-rule="stop-adt-small-cell"]';
const STOP_AXITINIB = 'article[data-rule="stop-vegf-tki-small-cell"]';

let fhir: FhirServerProcess;
let service: RunningService;
let browser: Browser;
let page: Page;
const browserProblems: string[] = [];

describe.skipIf(skipBrowserTests)('card review page in Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    fhir = await startFhirServer();
    service = await startService({ issuer: await createTestIssuer(), env: { REVIEW_FHIR_BASE_URL: fhir.url, ANALYTICS: 'enabled' }, now: () => CLINICAL_NOW });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A CSP violation or a script error shows up here (Chromium reports both on the console).
    page.on('console', (message) => {
      if (message.type() === 'error') browserProblems.push(message.text());
    });
    page.on('pageerror', (error) => browserProblems.push(error.message));
    await page.goto(service.url('/'));
    expect(page.url()).toBe(service.url('/review'));
    await page.locator(`#patient option[value="${SEED_000}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#patient', SEED_000);
    await page.locator(STOP_ADT).waitFor();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await fhir?.stop();
  });

  it("renders seed 000's cards as an EHR would: indicator, summary, sanitised detail, source, suggestions", async () => {
    const card = page.locator(STOP_ADT);
    expect(await card.getAttribute('class')).toBe('card warning');
    expect(await card.locator('.badge').textContent()).toBe('warning');
    expect(await card.locator('h2').textContent()).toBe('Discontinue leuprolide — small cell histology');
    expect(await card.locator('.detail strong').first().textContent()).toBe('Facts behind this card');
    expect(await card.locator('.source').textContent()).toContain('rule stop-adt-small-cell');
    expect(await card.getByRole('button', { name: 'Stop leuprolide (small cell histology)' }).count()).toBe(1);
    const summaries = await page.locator('#cards article h2').allTextContents();
    expect(summaries).toContain('PSA is unreliable in small cell prostate cancer: a low or falling PSA does not exclude progression');
    expect(await page.locator('#cards article.info a', { hasText: /ClinicalTrials\.gov/i }).count()).toBeGreaterThan(0);
  });

  it('charts the PSA history beside the cards (4 results) and creatinine', async () => {
    const charts = page.locator('#labs svg.chart');
    await charts.first().waitFor();
    expect(await charts.count()).toBe(2);
    expect(await charts.first().locator('circle').count()).toBe(4);
    expect(await charts.first().locator('text.title').textContent()).toBe('Prostate-specific antigen (PSA) (ng/mL)');
    mkdirSync(join(repoRoot, 'reports'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('sends the chosen override reason to the service as feedback', async () => {
    const card = page.locator(STOP_AXITINIB);
    const uuid = await card.getAttribute('data-uuid');
    await card.getByLabel('Override reason').selectOption('prescribed-for-another-cancer');
    await card.getByRole('button', { name: 'Dismiss with reason' }).click();
    await page.locator('#status', { hasText: 'Override sent as feedback' }).waitFor();
    const logged = service.logRecords().find((r) => r.msg === 'feedback received' && r.card === uuid);
    expect(logged).toMatchObject({ outcome: 'overridden', overrideReason: 'prescribed-for-another-cancer' });
  });

  it('shows that override in the analytics table, with its reason', async () => {
    const row = page.locator('#analytics tr[data-rule="stop-vegf-tki-small-cell"]');
    await row.locator('td.overridden', { hasText: /^1$/ }).waitFor();
    expect(await row.locator('td.reasons').textContent()).toBe('Prescribed for another cancer ×1');
    expect(await row.locator('td.rate').textContent()).toBe('0 %');
  });

  it('accepting "stop leuprolide" stops the MedicationRequest on the FHIR server, and the card is gone on re-run', async () => {
    const uuid = await page.locator(STOP_ADT).getAttribute('data-uuid');
    await page.getByRole('button', { name: 'Stop leuprolide (small cell histology)' }).click();
    await page.locator(STOP_ADT).waitFor({ state: 'detached' });
    await page.locator('#status', { hasText: 'Accepted "Stop leuprolide' }).waitFor();
    expect(await page.locator('article[data-rule="start-platinum-etoposide"]').count()).toBe(1);

    const leuprolide = await fhirGet<MedicationRequest>(fhir.url, 'MedicationRequest/seed-000-leuprolide');
    expect(leuprolide.status).toBe('stopped');
    expect(leuprolide.statusReason?.text).toMatch(/small cell/i);
    const feedback = service.logRecords().find((r) => r.msg === 'feedback received' && r.card === uuid);
    expect(feedback).toMatchObject({ outcome: 'accepted', service: 'nec-patient-view' });
  });

  it('order-sign with a leuprolide draft: accepting "remove the order" drops the draft, and the card goes', async () => {
    await page.selectOption('#hook', 'order-sign');
    await page.selectOption('#drug', 'leuprolide');
    await page.getByRole('button', { name: 'Run hook' }).click();
    const remove = page.locator(STOP_ADT).getByRole('button', { name: /^Remove the leuprolide.* order$/ });
    await remove.click();
    await page.locator(STOP_ADT).waitFor({ state: 'detached' });
    await page.locator('#status', { hasText: 'from nec-order-sign' }).waitFor();
    expect(await page.inputValue('#drug')).toBe('');
    const drafts = await fetch(`${fhir.url}/MedicationRequest?status=draft&_count=100`).then(
      (r) => r.json() as Promise<{ entry?: { resource: { id: string } }[] }>,
    );
    expect((drafts.entry ?? []).map((e) => e.resource.id)).not.toContain('review-draft-leuprolide');
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    expect(browserProblems).toEqual([]);
  });
});
