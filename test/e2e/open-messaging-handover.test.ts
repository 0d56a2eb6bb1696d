// Whole handovers on an Open Messaging endpoint, through the real gateway, emulator and webhook
// receiver on loopback: the same /v1 API and events as guest chat; on the Genesys side the first
// inbound message with routing attributes, the agent's messages by signed webhook, joins, transfers
// and ends from the Notifications API (OM protocol §3–§6).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import {
  API_KEY,
  OM_ENDPOINT,
  OM_WEBHOOK_SECRET,
  startHarness,
  type Harness,
} from '../support/gateway-harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';

const types = (events: HandoverEvent[]): string[] => events.map((e) => e.type);
const hasType = (t: string) => (events: HandoverEvent[]) => types(events).includes(t);
const count = (t: string, n: number) => (events: HandoverEvent[]) =>
  types(events).filter((x) => x === t).length >= n;

interface EmuMessage {
  readonly id: string;
  readonly senderRole: string;
  readonly body: string;
  readonly attachments?: { url?: string; filename?: string; mime?: string }[];
  readonly delivery?: { status: string };
}

describe('Open Messaging handover end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  async function startOm(displayName: string, extra: Record<string, unknown> = {}) {
    const res = await h.api('POST', '/v1/handovers', {
      endpoint: OM_ENDPOINT,
      customer: { userId: `u-${displayName}`, sessionId: 's-1', displayName },
      transcript: [
        { role: 'customer', text: 'My router blinks red' },
        { role: 'bot', text: 'Let me get you a human.' },
      ],
      ...extra,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id as string;
    await h.webhookEvents(id, hasType('handover.queued'), 'queued');
    const conv = await h.conversationFor(displayName);
    return { id, conv: conv as { id: string; [k: string]: any } };
  }

  const messagesOf = async (convId: string): Promise<EmuMessage[]> =>
    (await h.emu('GET', `/emulator/v1/conversations/${convId}`)).body.messages as EmuMessage[];

  test('every event type by webhook and SSE, routing data at Genesys, messages both ways, transfer, agent end', async () => {
    const { id, conv } = await startOm('Olivia Open', {
      settings: {
        language: 'German',
        skills: ['billing', 'vip'],
        priority: 7,
        customAttributes: { region: 'EU' },
      },
    });
    const sse = await SseClient.open(`${h.gateway.url}/v1/handovers/${id}/events`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    assert.equal(conv.kind, 'open-messaging');
    assert.equal(conv.queue, 'Support');
    assert.equal(conv.routing.language, 'German');
    assert.deepEqual(conv.routing.skills, ['billing', 'vip']);
    assert.equal(conv.routing.priority, 7);
    assert.equal(conv.customer.customFields.region, 'EU');
    assert.equal(conv.customer.customFields.brand, 'acme');
    assert.equal(conv.customer.customFields.hg_queue, 'Support');
    assert.equal(conv.customer.customFields.hg_skills, 'billing,vip');

    // The flow's Send Response text reaches the bot as a system message.
    const greeted = await h.webhookEvents(id, hasType('handover.system_message'), 'flow text');
    const flowText = greeted.find((e) => e.type === 'handover.system_message');
    assert.match(
      flowText?.type === 'handover.system_message' ? flowText.data.text : '',
      /agent will be with you/,
    );

    // The agent sees the opening message, then the bot transcript.
    const opening = await waitFor(
      async () => {
        const bodies = (await messagesOf(conv.id))
          .filter((m) => m.senderRole === 'CUSTOMER')
          .map((m) => m.body);
        return bodies.some((b) => b.includes('My router blinks red')) ? bodies : undefined;
      },
      { what: 'transcript at the agent' },
    );
    assert.match(opening.join('\n'), /Olivia Open was handed over by the bot[\s\S]*My router blinks red/);

    const joined = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {
      displayName: 'Oskar Agent',
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    const afterJoin = await h.webhookEvents(id, hasType('handover.agent_joined'), 'joined');
    const join = afterJoin.find((e) => e.type === 'handover.agent_joined');
    assert.ok(join?.type === 'handover.agent_joined');
    assert.equal(join.data.agent.displayName, 'Oskar Agent');
    assert.match(join.data.agent.avatarUrl ?? '', /^https?:\/\//);

    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/typing`);
    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Hallo Olivia' });
    const afterMsg = await h.webhookEvents(id, hasType('handover.agent_message'), 'agent message');
    const typing = afterMsg.find((e) => e.type === 'handover.agent_typing');
    assert.equal(typing?.type === 'handover.agent_typing' ? typing.data.expiresInMs : undefined, 3_000);
    const msg = afterMsg.find((e) => e.type === 'handover.agent_message');
    assert.ok(msg?.type === 'handover.agent_message');
    assert.equal(msg.data.text, 'Hallo Olivia');
    assert.equal(msg.data.agent.displayName, 'Oskar Agent');

    assert.equal((await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'Danke!' })).status, 202);
    assert.equal((await h.api('POST', `/v1/handovers/${id}/typing`)).status, 202);
    await waitFor(async () => (await messagesOf(conv.id)).some((m) => m.body === 'Danke!') || undefined, {
      what: 'customer message at the agent',
    });

    // The agent's message was delivered to the bot: Genesys gets a Delivered receipt (§3.3).
    await waitFor(
      async () =>
        (await messagesOf(conv.id)).find((m) => m.body === 'Hallo Olivia')?.delivery?.status ===
          'Delivered' || undefined,
      { what: 'Delivered receipt' },
    );

    // A transfer keeps the handover.
    const transfer = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/transfer`, {
      displayName: 'Bruno Schmidt',
    });
    assert.equal(transfer.status, 200, JSON.stringify(transfer.body));
    await h.webhookEvents(id, count('handover.agent_joined', 2), 'second agent');
    assert.equal((await h.api('GET', `/v1/handovers/${id}`)).body.state, 'active');
    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'Bruno here' });
    await h.webhookEvents(id, count('handover.agent_message', 2), 'second agent writes');

    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/leave`);
    const events = await h.webhookEvents(id, hasType('handover.ended'), 'ended');
    const ended = events.find((e) => e.type === 'handover.ended');
    assert.equal(ended?.type === 'handover.ended' ? ended.data.reason : undefined, 'agent_ended');
    for (const t of [
      'handover.queued',
      'handover.system_message',
      'handover.agent_joined',
      'handover.agent_typing',
      'handover.agent_message',
      'handover.transferred',
      'handover.agent_left',
      'handover.ended',
    ])
      assert.ok(types(events).includes(t), `missing ${t} in ${types(events).join(', ')}`);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'in order, gap-free',
    );
    const bruno = events.filter((e) => e.type === 'handover.agent_message').at(-1);
    assert.equal(
      bruno?.type === 'handover.agent_message' ? bruno.data.agent.displayName : undefined,
      'Bruno Schmidt',
    );
    await sse.done;
    assert.deepEqual(
      sse.handoverEvents().map((e) => e.id),
      events.map((e) => e.id),
      'SSE saw the same events in the same order',
    );
  });

  test('an agent reject or a requeue is not an end; the next agent joins', async () => {
    const { id, conv } = await startOm('Rita Reject');
    assert.equal(
      (await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/offer`, { displayName: 'Nina No' }))
        .status,
      200,
    );
    assert.equal((await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/reject`)).status, 200);
    await new Promise((r) => setTimeout(r, 1_500)); // the user.end of the reject has been seen
    const mid = await h.api('GET', `/v1/handovers/${id}`);
    assert.equal(mid.body.state, 'queued', JSON.stringify(mid.body));
    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, { displayName: 'Yara Yes' });
    const events = await h.webhookEvents(id, hasType('handover.agent_joined'), 'joined after the reject');
    const join = events.find((e) => e.type === 'handover.agent_joined');
    assert.equal(
      join?.type === 'handover.agent_joined' ? join.data.agent.displayName : undefined,
      'Yara Yes',
    );
    assert.ok(!types(events).includes('handover.ended'));
    assert.ok(!types(events).includes('handover.agent_left'));
    await h.api('POST', `/v1/handovers/${id}/end`);
  });

  test('the bot ends: the customer participant is disconnected at Genesys', async () => {
    const { id, conv } = await startOm('Carl Closes');
    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, { displayName: 'Oskar Agent' });
    await h.webhookEvents(id, hasType('handover.agent_joined'), 'joined');
    const end = await h.api('POST', `/v1/handovers/${id}/end`, { message: 'Thanks, bye' });
    assert.ok([200, 202].includes(end.status), JSON.stringify(end.body));
    const events = await h.webhookEvents(id, hasType('handover.ended'), 'ended');
    const ended = events.find((e) => e.type === 'handover.ended');
    assert.equal(ended?.type === 'handover.ended' ? ended.data.reason : undefined, 'customer_ended');
    const c = await waitFor(
      async () => {
        const body = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
        const customer = (body.members as { role: string; state: string }[]).find(
          (m) => m.role === 'CUSTOMER',
        );
        return customer?.state === 'DISCONNECTED' ? body : undefined;
      },
      { what: 'customer disconnected at Genesys' },
    );
    assert.ok(c);
  });

  test('attachments both ways: the bot sends a file by URL, the agent sends one back', async () => {
    const { id, conv } = await startOm('Ada Attach');
    await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, { displayName: 'Oskar Agent' });
    await h.webhookEvents(id, hasType('handover.agent_joined'), 'joined');

    const file = {
      url: 'https://files.example.com/invoice.pdf',
      mime: 'application/pdf',
      filename: 'invoice.pdf',
    };
    const sent = await h.api('POST', `/v1/handovers/${id}/messages`, {
      text: 'Here is my invoice',
      attachments: [file],
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const onlyFile = await h.api('POST', `/v1/handovers/${id}/messages`, {
      attachments: [{ url: 'https://files.example.com/photo.png', mime: 'image/png' }],
    });
    assert.equal(onlyFile.status, 202, JSON.stringify(onlyFile.body));
    const atAgent = await waitFor(
      async () => {
        const withFiles = (await messagesOf(conv.id)).filter(
          (m) => m.senderRole === 'CUSTOMER' && m.attachments?.length,
        );
        return withFiles.length === 2 ? withFiles : undefined;
      },
      { what: 'the bot’s files at the agent' },
    );
    const urls = atAgent.map((m) => m.attachments?.map((a) => a.url));
    assert.deepEqual(urls, [[file.url], ['https://files.example.com/photo.png']]);
    assert.deepEqual(
      atAgent.map((m) => m.body),
      ['Here is my invoice', ''],
    );

    const up = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/attachments`, {
      filename: 'steps.txt',
      mime: 'text/plain',
      contentBase64: Buffer.from('1. unplug 2. wait').toString('base64'),
    });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const events = await h.webhookEvents(id, hasType('handover.agent_message'), 'agent file');
    const msg = events.find((e) => e.type === 'handover.agent_message');
    assert.ok(msg?.type === 'handover.agent_message');
    const attachment = msg.data.attachments?.at(0);
    assert.ok(attachment);
    assert.equal(attachment.filename, 'steps.txt');
    assert.equal(attachment.mediaType, 'file');
    const download = await fetch(attachment.url);
    assert.equal(await download.text(), '1. unplug 2. wait');
    const transcript = await h.api('GET', `/v1/handovers/${id}/transcript`);
    assert.ok(
      (transcript.body.items as { attachments?: unknown[] }[]).filter((i) => i.attachments?.length).length >=
        3,
    );
    await h.api('POST', `/v1/handovers/${id}/end`);
  });

  test('a guest-chat endpoint refuses attachments with 422 ATTACHMENTS_NOT_SUPPORTED and changes nothing', async () => {
    const res = await h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 'u-gc-file', sessionId: 's', displayName: 'Gus Guest' },
    });
    const id = res.body.id as string;
    const refused = await h.api('POST', `/v1/handovers/${id}/messages`, {
      text: 'see file',
      attachments: [{ url: 'https://files.example.com/a.png', mime: 'image/png' }],
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, 'ATTACHMENTS_NOT_SUPPORTED');
    const transcript = await h.api('GET', `/v1/handovers/${id}/transcript`);
    assert.ok(!(transcript.body.items as { text: string }[]).some((i) => i.text === 'see file'));
    const noContent = await h.api('POST', `/v1/handovers/${id}/messages`, {});
    assert.equal(noContent.status, 400);
    assert.equal(noContent.body.error.code, 'VALIDATION_FAILED');
    const badUrl = await h.api('POST', `/v1/handovers/${id}/messages`, {
      attachments: [{ url: 'javascript:alert(1)', mime: 'image/png' }],
    });
    assert.equal(badUrl.status, 400);
    await h.api('POST', `/v1/handovers/${id}/end`);
  });

  test('bad webhook input: a bad signature is 401, garbage and unknown conversations are 200 — nothing changes', async () => {
    const url = `${h.gateway.url}/genesys/open-messaging/${OM_ENDPOINT}`;
    const sign = (body: string) =>
      `sha256=${createHmac('sha256', OM_WEBHOOK_SECRET).update(body).digest('base64')}`;
    const post = (body: string, signature?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
        body,
      });
    const { id } = await startOm('Bea Bad');
    const before = (await h.api('GET', `/v1/handovers/${id}`)).body.lastEventSeq as number;
    const forged = JSON.stringify({
      id: 'forged-1',
      channel: {
        id: 'x',
        platform: 'Open',
        type: 'Private',
        to: { id: `hg-${id}` },
        from: { id: 'x' },
        time: new Date().toISOString(),
      },
      type: 'Text',
      text: 'forged',
      originatingEntity: 'Human',
      direction: 'Outbound',
    });
    const unsigned = await post(forged);
    assert.equal(unsigned.status, 401);
    assert.equal(
      ((await unsigned.json()) as { error: { code: string } }).error.code,
      'WEBHOOK_SIGNATURE_INVALID',
    );
    assert.equal((await post(forged, 'sha256=AAAA')).status, 401);
    for (const body of ['{not json', '[]', JSON.stringify({ type: 'Text' })])
      assert.equal((await post(body, sign(body))).status, 200, body);
    const foreign = forged.replace(`hg-${id}`, 'someone-else');
    assert.equal((await post(foreign, sign(foreign))).status, 200);
    const unknown = forged.replace(id, '00000000-0000-4000-8000-000000000000');
    assert.equal((await post(unknown, sign(unknown))).status, 200);
    assert.equal(
      (await fetch(`${h.gateway.url}/genesys/open-messaging/nope`, { method: 'POST', body: '{}' })).status,
      404,
    );
    assert.equal((await h.api('GET', `/v1/handovers/${id}`)).body.lastEventSeq, before, 'nothing changed');
    await h.api('POST', `/v1/handovers/${id}/end`);
  });

  test('/metrics shows the notification channels and topics and the token requests of the endpoint', async () => {
    const text = await (
      await fetch(`${h.gateway.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })
    ).text();
    const stat = (name: string): number => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`genesys_handover_provider{endpoint="${OM_ENDPOINT}",stat="${name}"}`));
      assert.ok(line, `no ${name} in /metrics`);
      return Number(line.split(' ').at(-1));
    };
    assert.ok(stat('notification_channels') >= 1);
    assert.ok(stat('notification_topics') >= 0);
    assert.ok(stat('token_requests_total') >= 1);
    assert.equal(stat('rate_limited_answers_total'), 0);
  });
});
