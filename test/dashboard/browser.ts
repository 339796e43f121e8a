import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, driven through playwright-core by the browser suites. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether a browser suite may be skipped: only outside CI. Under `CI=true` (set by `.ci/run`) a missing chromium
 * is not a reason to skip — the suite runs and fails in its `beforeAll` (`requireChromium`), so a green CI run
 * always includes the browser checks.
 */
export const skipBrowserSuite = !existsSync(CHROMIUM) && process.env.CI !== 'true';

/** Throws when chromium is absent (reached only under CI, where the suite is not skipped). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and CI=true: install chromium (the browser suites must run in CI)`);
}

/** Debian's chromium, headless, with the flags this closed network needs (no background or component traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
