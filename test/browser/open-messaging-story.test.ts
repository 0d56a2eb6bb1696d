// The demo on the Open Messaging path in a real browser (Debian's Chromium): the customer picks
// "Open Messaging" in the web chat, an agent accepts in the emulator's console, they write both ways,
// the agent sends a file the customer sees as a link, and the agent ends — the same page, the same
// console, the other Genesys path (emulator + gateway + demo bot on 127.0.0.1 port 0).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { demoInBrowser, seeText, withScreenshotsOnFailure } from './browser.ts';

const demo = demoInBrowser();
let customer: Page | undefined;
let agent: Page | undefined;

const newPage = (): Promise<Page> => demo.newPage();

describe('the demo on Open Messaging', () => {
  test('pick Open Messaging, hand over, messages both ways, the agent sends a file, the agent ends', async () => {
    await withScreenshotsOnFailure(
      'open-messaging-story',
      () => ({ customer, agent }),
      async () => {
        customer = await newPage();
        await customer.goto(demo.sut().demo.bot.url);
        await seeText(customer, '#timeline .item-bot', 'I am the demo bot');
        await customer.getByLabel('Your name').fill('Omar Open');
        await customer.getByLabel('Contact center').selectOption({ label: 'Open Messaging' });
        await customer.getByLabel('Your name').press('Tab');
        await seeText(customer, '#settings-state', 'Settings saved.');

        agent = await newPage();
        await agent.goto(demo.sut().demo.emulator.consoleUrl);
        await seeText(agent, '#feed-state', 'Live');
        await agent.selectOption('#agent-name', 'Alice Moreau');

        await customer.getByRole('button', { name: 'Talk to an agent' }).click();
        await seeText(customer, '#status', 'Waiting in queue: Support');
        assert.equal(
          await customer.getByLabel('Contact center').isDisabled(),
          true,
          'fixed during the handover',
        );
        // The Inbound Message flow's greeting (Architect Send Response) reaches the customer.
        await seeText(customer, '#timeline', 'an agent will be with you shortly');

        const card = agent.locator('.queue[data-queue="Support"] .card', { hasText: 'Omar Open' });
        await card.waitFor();
        assert.match(await card.innerText(), /Open Messaging/);
        await card.getByRole('button', { name: /Accept chat with Omar Open/ }).click();
        await seeText(agent, '#chat-state', 'You are connected.');
        await seeText(agent, '#transcript', 'Omar Open was handed over by the bot.');
        await seeText(customer, '#status', 'Alice Moreau');

        await customer.locator('#message').fill('Hello over Open Messaging');
        await customer.keyboard.press('Enter');
        await seeText(agent, '#transcript .line-customer', 'Hello over Open Messaging');
        await agent.locator('#reply-text').fill('Hi Omar, here is a file.');
        await agent.keyboard.press('Enter');
        await seeText(customer, '#timeline .item-agent', 'Hi Omar, here is a file.');

        await agent.locator('#attach-file').setInputFiles({
          name: 'steps.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from('1. unplug\n2. wait\n3. plug in'),
        });
        const link = customer.locator('#timeline .item-agent a', { hasText: 'steps.txt' });
        await link.waitFor();
        const href = await link.getAttribute('href');
        assert.ok(href);
        assert.equal(await (await fetch(href)).text(), '1. unplug\n2. wait\n3. plug in');
        assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');

        await agent.getByRole('button', { name: 'End chat' }).click();
        await seeText(customer, '#timeline .item-notice', 'Alice Moreau ended the chat.');
        await seeText(customer, '#status', 'chatting with the demo bot');
        assert.equal(await customer.getByLabel('Contact center').isDisabled(), false);
      },
    );
  });
});
