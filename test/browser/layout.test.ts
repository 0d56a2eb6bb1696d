// Phone and desktop widths, labels and keyboard focus of both pages, in Debian's Chromium.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DESKTOP, demoInBrowser, type Viewport, seeText, withScreenshotsOnFailure } from './browser.ts';

const demo = demoInBrowser();
const opened: Record<string, Page> = {};

const PHONE = { width: 390, height: 844 };

async function open(label: string, url: string, viewport: Viewport): Promise<Page> {
  const page = await demo.newPage(viewport);
  opened[label] = page;
  await page.goto(url);
  return page;
}

/** No sideways scrolling: nothing is wider than the viewport. */
async function assertNoHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
}

/** Every visible form control has an accessible name (label, aria-label or text). */
async function assertControlsLabelled(page: Page): Promise<void> {
  const unnamed = await page.locator('input, select, button, textarea').evaluateAll((els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter((e) => {
        const labels = (e as HTMLInputElement).labels;
        return !(labels && labels.length > 0) && !e.getAttribute('aria-label') && !e.textContent.trim();
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, [], 'controls without an accessible name');
}

async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });
}

describe('layout and accessibility', () => {
  test('customer chat on a phone: conversation, composer and handover button fit; settings fold', async () => {
    await withScreenshotsOnFailure(
      'customer-phone',
      () => opened,
      async () => {
        const page = await open('customer-phone', demo.sut().demo.bot.url, PHONE);
        await seeText(page, '#timeline .item-bot', 'I am the demo bot');
        await assertNoHorizontalOverflow(page);
        assert.equal(await inViewport(page, '#message'), true, 'the message box is on screen');
        assert.equal(await inViewport(page, '#handover'), true, 'the handover button is on screen');
        assert.equal(
          await page.locator('#settings-panel').evaluate((d) => (d as HTMLDetailsElement).open),
          false,
        );
        // Keyboard: the folded settings open with Enter on their summary.
        await page.locator('#settings-panel summary').focus();
        await page.keyboard.press('Enter');
        await page.getByLabel('Your name').waitFor();
        // Two contact centers (guest chat and Open Messaging): a labelled choice that fits.
        assert.deepEqual(await page.getByLabel('Contact center').locator('option').allTextContents(), [
          'Guest chat',
          'Open Messaging',
        ]);
        assert.equal(await page.locator('#endpoint-only').isHidden(), true);
        await assertControlsLabelled(page);
        await page.locator('#message').fill('help');
        await page.keyboard.press('Enter');
        await seeText(page, '#timeline .item-bot', 'opening hours and where to find us');
        await assertNoHorizontalOverflow(page);
      },
    );
  });

  test('customer chat on a desktop: labelled controls, visible keyboard focus, a skip link', async () => {
    await withScreenshotsOnFailure(
      'customer-desktop',
      () => opened,
      async () => {
        const page = await open('customer-desktop', demo.sut().demo.bot.url, DESKTOP);
        await seeText(page, '#timeline .item-bot', 'I am the demo bot');
        await assertNoHorizontalOverflow(page);
        await assertControlsLabelled(page);
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'message');
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
        assert.notEqual(outline, 'none', 'keyboard focus is visible');
        // A message's markup is shown as text, never interpreted.
        await page.keyboard.type('<img src=x onerror=alert(1)> hello');
        await page.keyboard.press('Enter');
        await seeText(page, '#timeline .item-customer', '<img src=x onerror=alert(1)> hello');
        assert.equal(await page.locator('#timeline img[src="x"]').count(), 0);
      },
    );
  });

  test('agent console at phone and desktop widths', async () => {
    await withScreenshotsOnFailure(
      'console',
      () => opened,
      async () => {
        for (const [label, viewport] of [
          ['console-phone', PHONE],
          ['console-desktop', DESKTOP],
        ] as const) {
          const page = await open(label, demo.sut().demo.emulator.consoleUrl, viewport);
          await seeText(page, '#feed-state', 'Live');
          await seeText(page, '.queue[data-queue="Support"]', 'No chats waiting.');
          await assertNoHorizontalOverflow(page);
          await assertControlsLabelled(page);
          assert.equal(await inViewport(page, '#agent-name'), true, 'the agent picker is on screen');
        }
      },
    );
  });
});
