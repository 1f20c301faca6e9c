import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) driven by playwright-core. No browser is
 * ever downloaded. In CI (`CI=true`) a missing Chromium fails the browser tests; locally they are skipped with a
 * message saying how to get it.
 */

const CHROMIUM_PATH = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const inCi = process.env.CI === 'true';
const chromiumInstalled = existsSync(CHROMIUM_PATH);
/** Skip (locally only) when Chromium is not installed. */
export const skipBrowserTests = !chromiumInstalled && !inCi;

if (skipBrowserTests) {
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it with "apt-get install chromium"; in CI they fail instead)`);
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: .ci/run installs it (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
