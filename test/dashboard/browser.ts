/**
 * Headless Chromium for the dashboard's browser tests: Debian's chromium package driven by
 * playwright-core, with a fresh profile per launch and nothing that reaches the network on its
 * own. Screenshots go to test-artifacts/dashboard/ (not committed).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Where the chromium package installs the browser. */
export const chromiumPath = '/usr/bin/chromium';

export const hasChromium = existsSync(chromiumPath);

export const artifactsDir = fileURLToPath(
  new URL('../../test-artifacts/dashboard/', import.meta.url),
);

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'paystep-chromium-'));
  mkdirSync(artifactsDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    // The flags are given explicitly (rather than through `headless: true`) so the run is the
    // same as the one CI documents.
    headless: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1440, height: 1000 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
