// Attachments (OM doc §3.1, §4.1): an agent's file is served by the emulator at a download URL and
// reaches the webhook as `content[].attachment` without `text`; the agent API and the feed show files;
// bad files are refused with clear errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { SseClient } from '../support/sse-client.ts';
import { waitFor } from '../support/wait-for.ts';
import { agentApi, conversationView, createChat, http, UUID } from './helpers.ts';
import { OmWebhookReceiver } from './om-webhook-receiver.ts';
import {
  assertErrorBody,
  inboundMessage,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

const SECRET = 'attachment-secret-0123';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
let emulator: RunningEmulator;
let receiver: OmWebhookReceiver;
let token: string;
let integrationId: string;

before(async () => {
  receiver = await new OmWebhookReceiver(SECRET).start();
  ({ emulator, token, integrationId } = await startOpenMessaging(
    { attachmentMaxBytes: 1024 },
    { outboundNotificationWebhookUrl: receiver.url, outboundNotificationWebhookSignatureSecretToken: SECRET },
  ));
});
after(async () => {
  await emulator.close();
  await receiver.close();
});

async function connectedChat(fromId: string): Promise<string> {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage(fromId, 'hello'));
  assert.equal(
    (await agentApi(emulator, 'POST', `/conversations/${answer.conversationId}/agent/join`, {})).status,
    200,
  );
  return answer.conversationId as string;
}

const attach = (conversationId: string, body: Record<string, unknown>) =>
  agentApi(emulator, 'POST', `/conversations/${conversationId}/agent/attachments`, body);

test('an agent file: download URL, webhook content without text (§4.1), agent and platform views', async () => {
  const feed = await SseClient.open(`${emulator.url}/emulator/v1/events`);
  try {
    const conversationId = await connectedChat('att-1');
    const sent = await attach(conversationId, {
      filename: 'pixel.png',
      mime: 'image/png',
      contentBase64: PNG.toString('base64'),
    });
    assert.equal(sent.status, 200, sent.text);
    const message = (sent.body as any).message;
    assert.equal(message.body, '');
    const [attachment] = message.attachments;
    assert.match(attachment.id, UUID);
    assert.equal(attachment.mediaType, 'Image');
    assert.equal(attachment.contentSizeBytes, PNG.length);
    assert.match(attachment.url, new RegExp(`^${emulator.url}/api/v2/downloads/p[0-9a-f]{18}$`));

    const download = await fetch(attachment.url);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.match(download.headers.get('content-disposition') ?? '', /filename="pixel.png"/);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);

    const [call] = await receiver.waitFor((b) => b.id === message.id);
    assert.ok(call?.signatureValid);
    assert.equal(call.body.type, 'Text');
    assert.equal('text' in call.body, false, 'attachment-only messages carry no text');
    assert.deepEqual(call.body.content, [
      {
        contentType: 'Attachment',
        attachment: {
          id: attachment.id,
          mediaType: 'Image',
          url: attachment.url,
          mime: 'image/png',
          filename: 'pixel.png',
          contentSizeBytes: PNG.length,
        },
      },
    ]);

    const view = await conversationView(emulator, conversationId);
    assert.deepEqual((view.messages.find((m) => m.id === message.id) as any).attachments, [attachment]);
    const conversation = await platform(
      emulator,
      token,
      'GET',
      `/api/v2/conversations/messages/${conversationId}`,
    );
    const agent = (conversation.body as any).participants.find((p: any) => p.purpose === 'agent');
    assert.deepEqual(agent.messages[0].media, [
      {
        id: attachment.id,
        url: attachment.url,
        mediaType: 'image/png',
        contentLengthBytes: PNG.length,
        name: 'pixel.png',
      },
    ]);
    const fed = await waitFor(() => feed.events<any>('message').find((e) => e.message.id === message.id));
    assert.deepEqual(fed.message.attachments, [attachment]);
  } finally {
    await feed.close();
  }
});

test('a file with text goes out as one message with both; a PDF is a File', async () => {
  const conversationId = await connectedChat('att-2');
  const sent = await attach(conversationId, {
    filename: 'invoice März.pdf',
    mime: 'application/pdf',
    contentBase64: Buffer.from('%PDF-1.4').toString('base64'),
    text: 'Here is your invoice',
  });
  assert.equal(sent.status, 200, sent.text);
  const [call] = await receiver.waitFor((b) => b.id === (sent.body as any).message.id);
  assert.equal(call?.body.text, 'Here is your invoice');
  assert.equal(call.body.content[0].attachment.mediaType, 'File');
  const download = await fetch(call.body.content[0].attachment.url);
  assert.match(
    download.headers.get('content-disposition') ?? '',
    /filename\*=UTF-8''invoice%20M%C3%A4rz\.pdf/,
  );
});

test('refused: guest chats, no connected agent, too large, bad fields; unknown downloads are 404', async () => {
  const file = { filename: 'a.png', mime: 'image/png', contentBase64: PNG.toString('base64') };
  const guest = await createChat(emulator);
  const refused = await attach(guest.id, file);
  assert.equal(refused.status, 409);
  assert.equal((refused.body as any).error.code, 'attachments_not_supported');

  const queued = (await sendInbound(emulator, token, integrationId, inboundMessage('att-queued', 'hi')))
    .conversationId;
  const noAgent = await attach(queued, file);
  assert.equal(noAgent.status, 409);
  assert.equal((noAgent.body as any).error.code, 'no_connected_agent');

  const conversationId = await connectedChat('att-3');
  const big = await attach(conversationId, { ...file, contentBase64: Buffer.alloc(1025).toString('base64') });
  assert.equal(big.status, 413);
  assert.equal((big.body as any).error.code, 'payload_too_large');
  for (const bad of [
    { ...file, filename: '../etc/passwd' },
    { ...file, mime: 'png' },
    { ...file, contentBase64: 'not base64!' },
    { ...file, extra: true },
    { filename: 'a.png', mime: 'image/png' },
  ]) {
    const result = await attach(conversationId, bad);
    assert.equal(result.status, 400, result.text);
    assert.equal((result.body as any).error.code, 'validation_failed');
  }
  const view = await conversationView(emulator, conversationId);
  assert.equal(
    view.messages.filter((m) => m.senderRole === 'AGENT' && m.bodyType === 'standard').length,
    0,
    'nothing was sent',
  );
  assertErrorBody(await http(emulator, 'GET', '/api/v2/downloads/pnope'), 404, 'not.found');
});
