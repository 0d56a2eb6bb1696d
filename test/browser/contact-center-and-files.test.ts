// The page with two contact centers and an agent who sends files, in Debian's Chromium at phone
// width, against the scripted fake gateway (the real demo has one contact center and guest chat has
// no files): the choice is a labelled select that fits, is locked during the handover, and the files
// show as safe links — a thumbnail for an image, the name for the rest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoBot, type RunningDemoBot } from '../../src/demo-bot/index.ts';
import { FAKE_KEY, FakeGateway } from '../demo-bot/fake-gateway.ts';
import { waitFor } from '../support/wait-for.ts';
import { WAIT_MS, launchChromium, seeText, withScreenshotsOnFailure } from './browser.ts';

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let gateway: FakeGateway | undefined;
let bot: RunningDemoBot | undefined;
let customer: Page | undefined;

before(async () => {
  gateway = await FakeGateway.start();
  bot = await startDemoBot({
    gatewayUrl: gateway.url,
    apiKey: FAKE_KEY,
    endpoints: [
      { id: 'demo', label: 'Guest chat' },
      { id: 'demo-om', label: 'Web messaging (Open Messaging, with files both ways)' },
    ],
    retryMs: 10,
  });
  browser = await launchChromium();
});

after(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await bot?.close();
  await gateway?.close();
});

describe('contact center choice and agent files', () => {
  test("pick a contact center on a phone, hand over, see the agent's files", async () => {
    await withScreenshotsOnFailure(
      'contact-center-and-files',
      () => ({ customer }),
      async () => {
        context = await browser!.newContext({ viewport: { width: 320, height: 700 } });
        customer = await context.newPage();
        customer.setDefaultTimeout(WAIT_MS);
        await customer.goto(bot!.url);
        await seeText(customer, '#timeline .item-bot', 'I am the demo bot');
        await customer.locator('#settings-panel summary').click();
        const picker = customer.getByLabel('Contact center');
        await picker.waitFor();
        assert.deepEqual(await picker.locator('option').allTextContents(), [
          'Guest chat',
          'Web messaging (Open Messaging, with files both ways)',
        ]);
        await assertFits(customer);

        await picker.selectOption({ label: 'Web messaging (Open Messaging, with files both ways)' });
        await seeText(customer, '#settings-state', 'Settings saved.');
        await customer.getByRole('button', { name: 'Talk to an agent' }).click();
        const id = await waitFor(() => gateway!.started[0], { what: 'handover started' });
        assert.equal(gateway!.bodies('/v1/handovers')[0].endpoint, 'demo-om');
        await waitFor(() => gateway!.following(id), { what: 'bot follows' });
        assert.equal(await picker.isDisabled(), true, 'fixed during the handover');
        await seeText(customer, '#endpoint-note', 'Fixed while you are with an agent.');

        const agent = { id: 'a1', displayName: 'Alice Moreau' };
        gateway!.emit(id, 'handover.agent_joined', { agent });
        gateway!.emit(id, 'handover.agent_message', {
          messageId: 'm1',
          text: '',
          agent,
          attachments: [
            // An image the page can load: the bot server's own avatar.
            { url: new URL('/bot.svg', bot!.url).href, mediaType: 'image', filename: 'parcel-label.svg' },
            { url: 'javascript:alert(1)', mediaType: 'file', filename: 'evil.html' },
            {
              url: 'https://files.example.com/a/b',
              mediaType: 'file',
              filename: 'a-very-long-file-name-that-must-wrap-on-a-narrow-phone-screen-2024-invoice.pdf',
              sizeBytes: 48_300,
            },
          ],
        });
        const thumb = customer.locator('#timeline .item-agent a.file-image');
        await thumb.waitFor();
        assert.equal(await thumb.getAttribute('target'), '_blank');
        assert.equal(await thumb.getAttribute('rel'), 'noopener noreferrer');
        assert.equal(await thumb.locator('img').getAttribute('alt'), 'parcel-label.svg');
        await customer.waitForFunction(() => {
          const img = document.querySelector<HTMLImageElement>('a.file-image img');
          return img?.complete === true && img.naturalWidth > 0;
        });
        const file = customer.getByRole('link', { name: /2024-invoice\.pdf \(opens in a new tab\)$/ });
        await seeText(customer, '#timeline .item-agent .file-facts', '47 KB');
        assert.equal(await file.getAttribute('href'), 'https://files.example.com/a/b');
        assert.equal(await customer.locator('#timeline a[href^="javascript"]').count(), 0);
        assert.equal(await customer.locator('#timeline .item-agent p.text').count(), 0, 'no empty text');
        await assertFits(customer);

        await customer.getByRole('button', { name: 'End chat with agent' }).click();
        await seeText(customer, '#status', 'chatting with the demo bot');
        await customer.waitForFunction(
          () => !document.querySelector<HTMLSelectElement>('#endpoint')?.disabled,
        );
        assert.equal(await customer.locator('#endpoint-note').isHidden(), true);
      },
    );
  });
});

/** No sideways scrolling and every visible control named, at this narrow width. */
async function assertFits(page: Page): Promise<void> {
  const { scroll, client, unnamed } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    unnamed: Array.from(document.querySelectorAll('input, select, button'))
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter(
        (e) =>
          !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim(),
      )
      .map((e) => e.outerHTML.slice(0, 80)),
  }));
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
  assert.deepEqual(unnamed, []);
}
