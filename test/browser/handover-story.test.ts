// The whole story in a real browser (Debian's Chromium): a customer in the demo web chat and agents
// in the emulator's agent console, each in its own browser context, against the real servers
// (emulator + gateway + demo bot, in-process, on 127.0.0.1 port 0).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  RESULTS_DIR,
  ROOT,
  WAIT_MS,
  count,
  seeCount,
  demoInBrowser,
  seeText,
  withScreenshotsOnFailure,
} from './browser.ts';

const demo = demoInBrowser();
let customer: Page | undefined;
let alice: Page | undefined;
let bruno: Page | undefined;

const newPage = (): Promise<Page> => demo.newPage();

async function openConsoleAs(name: string): Promise<Page> {
  const page = await newPage();
  await page.goto(demo.sut().demo.emulator.consoleUrl);
  await seeText(page, '#feed-state', 'Live');
  await page.selectOption('#agent-name', name);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator('#message').fill(text);
  await page.keyboard.press('Enter'); // Enter sends (the input has focus)
}

/** Every timeline item exactly once (reload and reconnect replay items; the page renders by id). */
async function assertNoDuplicateItems(page: Page): Promise<void> {
  const ids = await page
    .locator('#timeline li[data-id]')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
  assert.equal(new Set(ids).size, ids.length, 'a timeline item is shown twice');
}

describe('customer web chat and agent console', () => {
  test('handover with settings, typing and messages both ways, reload, transfer, agent ends, customer ends', async () => {
    await withScreenshotsOnFailure(
      'handover-story',
      () => ({ customer, alice, bruno }),
      async () => {
        // --- The customer talks to the bot ---------------------------------------------------------
        customer = await newPage();
        await customer.goto(demo.sut().demo.bot.url);
        await seeText(customer, '#timeline .item-bot', 'I am the demo bot');
        await seeText(customer, '#status', 'chatting with the demo bot');
        await customer.locator('#message').focus();
        await send(customer, 'What are your opening hours?');
        await seeText(customer, '#timeline .item-bot', 'Monday to Friday');
        assert.equal(
          await customer.evaluate(() => document.activeElement?.id),
          'message',
          'focus stays in the message box',
        );

        // --- Routing settings in the form ----------------------------------------------------------
        await customer.getByLabel('Your name').fill('Zoé Martin');
        await customer.getByLabel('Language').selectOption('French');
        await customer.getByLabel('technical').check();
        await customer.getByLabel('Priority').fill('7');
        await customer.getByRole('button', { name: 'Add attribute' }).click();
        await customer.getByLabel('Attribute 1 name').fill('orderId');
        await customer.getByLabel('Attribute 1 value').fill('A-1042');
        await customer.getByRole('button', { name: 'Add attribute' }).click();
        await customer.getByLabel('Attribute 2 name').fill('plan');
        await customer.getByLabel('Attribute 2 value').fill('<b>gold</b>');
        await customer.getByLabel('Attribute 2 value').press('Tab'); // commits the change
        await seeText(customer, '#settings-state', 'Settings saved.');

        // --- Agents open the console --------------------------------------------------------------
        alice = await openConsoleAs('Alice Moreau');
        await seeText(alice, '.queue[data-queue="Support"]', 'No chats waiting.');

        // --- Handover by the button ------------------------------------------------------------------
        await customer.getByRole('button', { name: 'Talk to an agent' }).click();
        await seeText(customer, '#status', 'Waiting in queue: Support');
        assert.equal(await customer.getByRole('button', { name: 'Talk to an agent' }).isDisabled(), true);
        await customer.getByRole('button', { name: 'End chat with agent' }).waitFor();

        // The agent sees the chat waiting, with its routing data and custom attributes.
        const card = alice.locator('.queue[data-queue="Support"] .card', { hasText: 'Zoé Martin' });
        await card.waitFor();
        const cardText = await card.innerText();
        for (const expected of ['French', 'technical', '7', 'orderId', 'A-1042', 'plan', '<b>gold</b>']) {
          assert.ok(cardText.includes(expected), `waiting card shows ${expected}: ${cardText}`);
        }
        await card.getByRole('button', { name: /Accept chat with Zoé Martin/ }).click();
        await seeText(alice, '#chat-state', 'You are connected.');
        // The agent got the bot conversation so far.
        await seeText(alice, '#transcript', 'What are your opening hours?');
        assert.equal(
          await alice.evaluate(() => document.activeElement?.id),
          'reply-text',
          'focus in the reply box',
        );

        // The customer sees the agent join, with name and avatar.
        await seeText(customer, '#status', 'Alice Moreau');
        await customer.locator('#status img.avatar[src*="alice-moreau"]').waitFor();
        await seeText(customer, '#timeline .item-notice', 'Alice Moreau joined the chat.');

        // --- Typing and messages, customer → agent ----------------------------------------------------
        await customer.locator('#message').pressSequentially('My order', { delay: 20 });
        await seeText(alice, '#customer-typing', 'Zoé Martin is typing…');
        await customer.locator('#message').pressSequentially(' is late', { delay: 10 });
        await customer.keyboard.press('Enter');
        await seeText(alice, '#transcript .line-customer', 'My order is late');
        await alice.locator('#customer-typing').waitFor({ state: 'hidden' }); // the message replaces the hint

        // --- Typing and messages, agent → customer ----------------------------------------------------
        await alice.locator('#reply-text').pressSequentially('Let me', { delay: 20 });
        await seeText(customer, '#typing', 'Alice Moreau is typing…');
        await alice.locator('#reply-text').pressSequentially(' check that for you.', { delay: 5 });
        await alice.keyboard.press('Enter');
        await seeText(customer, '#timeline .item-agent', 'Let me check that for you.');
        await customer.locator('#typing').waitFor({ state: 'hidden' });
        // A typing hint without a message expires by itself after ~4 s.
        await alice.locator('#reply-text').pressSequentially('One', { delay: 5 });
        await seeText(customer, '#typing', 'Alice Moreau is typing…');
        const shownAt = Date.now();
        await customer.locator('#typing').waitFor({ state: 'hidden', timeout: 8000 });
        assert.ok(Date.now() - shownAt >= 2500, 'the typing hint stayed for a few seconds');
        await alice.locator('#reply-text').fill('');

        await screenshotStep(customer, alice);

        // --- Reload mid-chat: same handover, same history, no duplicates -----------------------------
        const before = await customer.locator('#timeline li[data-id]').count();
        await customer.reload();
        await seeText(customer, '#status', 'Alice Moreau');
        await seeText(customer, '#timeline .item-agent', 'Let me check that for you.');
        assert.equal(await seeCount(customer, '#timeline li[data-id]', /./, before), before);
        assert.equal(await seeCount(customer, '#timeline .item-customer', 'My order is late', 1), 1);
        await assertNoDuplicateItems(customer);
        assert.equal(
          await customer.getByLabel('Your name').inputValue(),
          'Zoé Martin',
          'settings survive the reload',
        );
        await send(customer, 'Still there?');
        await seeText(alice, '#transcript .line-customer', 'Still there?');

        // --- Transfer to a second agent in another tab --------------------------------------------------
        bruno = await openConsoleAs('Bruno Schmidt');
        await alice.locator('#transfer-to').selectOption('Bruno Schmidt');
        await alice.getByRole('button', { name: 'Transfer' }).click();
        await seeText(alice, '#chat-state', 'Transferred to Bruno Schmidt.');
        await seeText(
          customer,
          '#timeline .item-notice',
          'Alice Moreau is transferring you to Bruno Schmidt.',
        );
        await seeText(customer, '#status', 'Bruno Schmidt');
        await bruno.locator('#my-chats .chat-link', { hasText: 'Zoé Martin' }).click();
        await seeText(bruno, '#chat-state', 'You are connected.');
        await seeText(bruno, '#transcript', 'My order is late'); // the whole history travels with the chat
        await bruno.locator('#reply-text').fill('Hi, Bruno here. Your parcel ships today.');
        await bruno.keyboard.press('Enter');
        await seeText(customer, '#timeline .item-agent', 'Bruno here');
        await send(customer, 'Great, thanks');
        await seeText(bruno, '#transcript .line-customer', 'Great, thanks');

        // --- The agent ends; the bot answers again ------------------------------------------------------
        await bruno.getByRole('button', { name: 'End chat' }).click();
        await seeText(bruno, '#chat-state', 'This chat has ended.');
        await seeText(customer, '#timeline .item-notice', 'Bruno Schmidt ended the chat.');
        await seeText(customer, '#timeline .item-bot', 'I am back');
        await seeText(customer, '#status', 'chatting with the demo bot');
        assert.equal(await customer.getByRole('button', { name: 'End chat with agent' }).isHidden(), true);
        await send(customer, 'hours?');
        assert.equal(await seeCount(customer, '#timeline .item-bot', 'Monday to Friday', 2, WAIT_MS), 2);

        // --- The word "agent" hands over again; this time the customer ends --------------------------
        await send(customer, 'I need an agent again');
        await seeText(customer, '#status', 'Waiting in queue: Support');
        const second = alice.locator('.queue[data-queue="Support"] .card', { hasText: 'Zoé Martin' });
        await second.getByRole('button', { name: /Accept/ }).click();
        await seeText(customer, '#status', 'Alice Moreau');
        // The second handover's transcript starts after the first one ended.
        await seeText(alice, '#transcript', 'I need an agent again');
        assert.equal(await count(alice, '#transcript', 'My order is late'), 0);
        const endButton = customer.getByRole('button', { name: 'End chat with agent' });
        await endButton.focus();
        await customer.keyboard.press('Enter'); // keyboard works on the control
        await seeText(customer, '#timeline .item-notice', 'You ended the chat with the agent.');
        await seeText(customer, '#status', 'chatting with the demo bot');
        await seeText(alice, '#chat-state', 'This chat has ended.');
        await customer.waitForFunction(() => document.activeElement?.id === 'message');
        await assertNoDuplicateItems(customer);
      },
    );
  });
});

/**
 * The README's screenshots. Written to test-results/screenshots on every run; with
 * UPDATE_SCREENSHOTS=1 also to docs/screenshots (the committed images).
 */
async function screenshotStep(customerPage: Page, agentPage: Page): Promise<void> {
  const dirs = [join(RESULTS_DIR, 'screenshots')];
  if (process.env.UPDATE_SCREENSHOTS === '1') dirs.push(join(ROOT, 'docs', 'screenshots'));
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await customerPage.screenshot({ path: join(dir, 'customer-chat.png') });
    await agentPage.screenshot({ path: join(dir, 'agent-console.png') });
  }
}
