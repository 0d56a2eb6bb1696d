// The page API (startDemoBot) against a scripted fake gateway, for what the real demo does not offer
// yet: a second contact center to pick, and an agent who sends files. Both seen the way the page
// sees them — through PUT /api/settings and the page's event stream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDemoBot, type RunningDemoBot } from '../../src/demo-bot/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { FAKE_KEY, FakeGateway } from './fake-gateway.ts';
import { hasItem, items, lastStatus, PageClient } from './page-client.ts';

const ENDPOINTS = [
  { id: 'demo', label: 'Guest chat' },
  { id: 'demo-om', label: 'Web messaging' },
];
const settings = (endpoint: string, displayName = 'Kim') => ({
  endpoint,
  displayName,
  skills: [],
  customAttributes: [],
});

let gateway: FakeGateway;
let bot: RunningDemoBot;
before(async () => {
  gateway = await FakeGateway.start();
  bot = await startDemoBot({ gatewayUrl: gateway.url, apiKey: FAKE_KEY, endpoints: ENDPOINTS, retryMs: 10 });
});
after(async () => {
  await bot.close();
  await gateway.close();
});

describe('page API with two contact centers (fake gateway)', () => {
  test('startDemoBot refuses an empty or ambiguous endpoint list', async () => {
    const base = { gatewayUrl: gateway.url, apiKey: FAKE_KEY };
    await assert.rejects(startDemoBot({ ...base, endpoints: [] }), /at least one endpoint/);
    await assert.rejects(
      startDemoBot({ ...base, endpoints: [ENDPOINTS[0]!, { id: 'demo', label: 'Again' }] }),
      /unique/,
    );
  });

  test('the choice is listed, validated, used by the next handover, and fixed while it runs', async () => {
    const page = new PageClient(bot.url);
    try {
      const session = await page.call('POST', '/api/session', {});
      assert.deepEqual(session.body.endpoints, ENDPOINTS);
      assert.equal(session.body.settings.endpoint, 'demo');

      const unknown = await page.call('PUT', '/api/settings', settings('nope'));
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'unknown_endpoint');
      const picked = await page.call('PUT', '/api/settings', settings('demo-om'));
      assert.equal(picked.status, 200);
      assert.equal(picked.body.settings.endpoint, 'demo-om');
      assert.equal((await page.call('POST', '/api/session', {})).body.settings.endpoint, 'demo-om');

      const sse = await page.open();
      assert.equal((await page.call('POST', '/api/handover', {})).status, 202);
      const first = gateway.started.at(-1)!;
      assert.equal(gateway.bodies('/v1/handovers').at(-1).endpoint, 'demo-om');
      await waitFor(() => gateway.following(first), { what: 'bot follows the handover' });
      gateway.emit(first, 'handover.queued', { queue: 'Support' });
      await waitFor(() => lastStatus(sse)?.mode === 'queued', { what: 'queued' });

      const locked = await page.call('PUT', '/api/settings', settings('demo'));
      assert.equal(locked.status, 409);
      assert.equal(locked.body.error.code, 'handover_in_progress');
      // The rest of the form may change meanwhile (it is for the next handover).
      const renamed = await page.call('PUT', '/api/settings', settings('demo-om', 'Kim Lee'));
      assert.equal(renamed.status, 200);

      await page.call('POST', '/api/handover/end', {});
      await waitFor(() => lastStatus(sse)?.mode === 'bot', { what: 'bot again' });
      assert.equal((await page.call('PUT', '/api/settings', settings('demo', 'Kim Lee'))).status, 200);
      await page.call('POST', '/api/handover', {});
      const second = gateway.bodies('/v1/handovers').at(-1);
      assert.equal(second.endpoint, 'demo');
      assert.equal(second.customer.displayName, 'Kim Lee');
      await page.call('POST', '/api/handover/end', {});
    } finally {
      await page.close();
    }
  });

  test("an agent's attachments reach the page stream as safe links; a typed link stays text", async () => {
    const page = new PageClient(bot.url);
    try {
      await page.call('POST', '/api/session', {});
      const sse = await page.open();
      await page.call('POST', '/api/handover', {});
      const id = gateway.started.at(-1)!;
      await waitFor(() => gateway.following(id), { what: 'bot follows the handover' });
      const agent = { id: 'a1', displayName: 'Alice Moreau' };
      gateway.emit(id, 'handover.agent_joined', { agent });
      gateway.emit(id, 'handover.agent_message', {
        messageId: 'm1',
        text: 'Your label:',
        agent,
        attachments: [
          { url: 'https://cdn.example.com/label.png', mediaType: 'image', mime: 'image/png' },
          { url: 'vbscript:msgbox', mediaType: 'file', filename: 'x.txt' },
          { url: 'https://cdn.example.com/a/b', mediaType: 'file', filename: 'terms.pdf', sizeBytes: 1234 },
        ],
      });
      const line = await waitFor(() => hasItem(sse, 'agent', 'Your label:'), { what: 'agent files' });
      assert.deepEqual(line.agent, { name: 'Alice Moreau' });
      assert.deepEqual(line.attachments, [
        {
          url: 'https://cdn.example.com/label.png',
          mediaType: 'image',
          name: 'label.png',
          mime: 'image/png',
        },
        { url: 'https://cdn.example.com/a/b', mediaType: 'file', name: 'terms.pdf', sizeBytes: 1234 },
      ]);
      assert.doesNotMatch(page.allText(), /vbscript/);

      await page.call('POST', '/api/messages', { text: 'See https://example.com/my-photo.jpg' });
      const sent = await waitFor(() => gateway.bodies(`/v1/handovers/${id}/messages`)[0]);
      assert.deepEqual(sent, { text: 'See https://example.com/my-photo.jpg' }, 'no attachments from the bot');
      const mine = items(sse).find((i) => i.kind === 'customer' && i.text.startsWith('See '));
      assert.equal(mine.attachments, undefined);
      await page.call('POST', '/api/handover/end', {});
    } finally {
      await page.close();
    }
  });
});
