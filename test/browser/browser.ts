// Browser-test support: Debian's Chromium driven by playwright-core (never `npx playwright install`),
// the demo started in-process exactly as `npm start` runs it, bounded waits, and screenshots of every
// open page into test-results/ when a step fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestDemo, type DemoUnderTest } from '../support/demo-harness.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const RESULTS_DIR = join(ROOT, 'test-results', 'browser');
export const WAIT_MS = 10_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the background-networking flags Chromium keeps calling home, which floods a closed network.
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
    timeout: 30_000,
  });
}

/**
 * Runs one test body; when it throws, every page gets a full-page screenshot in
 * test-results/browser/<name>-<page>.png before the error is rethrown.
 */
export async function withScreenshotsOnFailure(
  name: string,
  pages: () => Record<string, Page | undefined>,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    for (const [label, page] of Object.entries(pages())) {
      if (!page || page.isClosed()) continue;
      const path = join(RESULTS_DIR, `${slug}-${label}.png`);
      await page.screenshot({ path, fullPage: true }).catch(() => undefined);
      process.stderr.write(`# screenshot of ${label}: ${path}\n`);
    }
    throw err;
  }
}

/** Waits until `selector` matches an element containing `text` (bounded). */
export async function seeText(
  page: Page,
  selector: string,
  text: string | RegExp,
  timeout = WAIT_MS,
): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ state: 'visible', timeout });
}

export async function count(page: Page, selector: string, text: string | RegExp): Promise<number> {
  return page.locator(selector, { hasText: text }).count();
}

/**
 * Waits until exactly `n` elements match (bounded), then returns the count — for "the second
 * bubble arrived": `seeText` returns on the FIRST match, so a count right after it races the second.
 */
export async function seeCount(
  page: Page,
  selector: string,
  text: string | RegExp,
  n: number,
  timeout = WAIT_MS,
): Promise<number> {
  const locator = page.locator(selector, { hasText: text });
  const deadline = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== n && Date.now() < deadline) {
    await page.waitForTimeout(50);
    seen = await locator.count();
  }
  return seen;
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}
export const DESKTOP: Viewport = { width: 1280, height: 800 };

/**
 * The demo (as `npm start` runs it) and Chromium for one test file: started before its tests and
 * closed after them, every page's context first. `newPage` opens a page in a fresh context (its own
 * cookies and storage) with the bounded wait.
 */
export function demoInBrowser(): {
  readonly sut: () => DemoUnderTest;
  readonly newPage: (viewport?: Viewport) => Promise<Page>;
} {
  let browser: Browser | undefined;
  let sut: DemoUnderTest | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    sut = await startTestDemo();
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sut?.close();
  });
  return {
    sut: () => sut!,
    newPage: async (viewport = DESKTOP) => {
      const context = await browser!.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      return page;
    },
  };
}
