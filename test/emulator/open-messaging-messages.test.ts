// The messages behind a conversation read (OM doc §5): POST …/messages/bulk answers SDK
// `TextMessageListing {entities: MessageData[]}` for the ids the participants list, GET
// …/messages/{id} one `MessageData`; customer messages are inbound/received, agent messages
// outbound/Human with their delivery status, the flow's Send Response outbound/Bot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi } from './helpers.ts';
import {
  assertErrorBody,
  inboundMessage,
  inboundPath,
  platform,
  sendInbound,
  startOpenMessaging,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
let integrationId: string;
before(async () => {
  ({ emulator, token, integrationId } = await startOpenMessaging({
    architect: { responses: ['Connecting you now.'] },
  }));
});
after(() => emulator.close());

const CONVERSATIONS = '/api/v2/conversations/messages';

/** Every message id the conversation read lists, with its participant's purpose, in time order. */
async function listedIds(conversationId: string): Promise<{ id: string; purpose: string }[]> {
  const read = await platform(emulator, token, 'GET', `${CONVERSATIONS}/${conversationId}`);
  assert.equal(read.status, 200, read.text);
  return ((read.body as any).participants as any[])
    .flatMap((p) =>
      (p.messages as any[]).map((m) => ({ id: m.messageId, purpose: p.purpose, at: m.messageTime })),
    )
    .sort((a, b) => a.at.localeCompare(b.at))
    .map(({ id, purpose }) => ({ id, purpose }));
}

test('bulk: the texts, directions, origins and receipts of every listed message', async () => {
  const answer = await sendInbound(
    emulator,
    token,
    integrationId,
    inboundMessage('messages-1', 'I need a human'),
  );
  const id = answer.conversationId as string;
  assert.equal((await agentApi(emulator, 'POST', `/conversations/${id}/agent/join`, {})).status, 200);
  const said = await agentApi(emulator, 'POST', `/conversations/${id}/agent/messages`, {
    body: 'Hi, Alice here',
  });
  await agentApi(emulator, 'POST', `/conversations/${id}/agent/attachments`, {
    filename: 'a.png',
    mime: 'image/png',
    contentBase64: Buffer.from('png').toString('base64'),
  });
  const receipt = await platform(emulator, token, 'POST', inboundPath(integrationId, 'receipt'), {
    id: (said.body as any).message.id,
    channel: { to: { id: 'messages-1' }, time: new Date().toISOString() },
    status: 'Delivered',
  });
  assert.equal(receipt.status, 200, receipt.text);

  const listed = await listedIds(id);
  assert.deepEqual(
    listed.map((m) => m.purpose),
    ['customer', 'workflow', 'agent', 'agent'],
  );
  const bulk = await platform(
    emulator,
    token,
    'POST',
    `${CONVERSATIONS}/${id}/messages/bulk`,
    listed.map((m) => m.id),
  );
  assert.equal(bulk.status, 200, bulk.text);
  const [customer, flow, text, file] = (bulk.body as any).entities as any[];
  assert.equal((bulk.body as any).entities.length, 4);

  assert.equal(customer.id, listed[0]!.id);
  assert.equal(customer.direction, 'inbound');
  assert.equal(customer.status, 'received');
  assert.equal(customer.conversationId, id);
  assert.equal(customer.normalizedMessage.text, 'I need a human');
  assert.equal(customer.normalizedMessage.direction, 'Inbound');
  assert.equal(customer.normalizedMessage.originatingEntity, undefined);
  assert.equal(customer.normalizedMessage.channel.from.id, 'messages-1');

  assert.equal(flow.normalizedMessage.text, 'Connecting you now.');
  assert.equal(flow.normalizedMessage.originatingEntity, 'Bot');
  assert.equal(flow.direction, 'outbound');

  assert.equal(text.id, (said.body as any).message.id);
  assert.equal(text.normalizedMessage.originatingEntity, 'Human');
  assert.equal(text.normalizedMessage.text, 'Hi, Alice here');
  assert.equal(text.status, 'delivery-success');
  assert.equal(text.normalizedReceipts[0].status, 'Delivered');
  const read = await platform(emulator, token, 'GET', `${CONVERSATIONS}/${id}`);
  const agent = ((read.body as any).participants as any[]).find((p) => p.purpose === 'agent');
  assert.equal(text.createdBy.id, agent.user.id);
  assert.equal(text.createdBy.name, agent.name);
  assert.equal(typeof text.timestamp, 'string');

  assert.equal(file.normalizedMessage.text, undefined);
  assert.equal(file.normalizedMessage.content[0].contentType, 'Attachment');
  assert.equal(file.normalizedMessage.content[0].attachment.mediaType, 'Image');
  assert.equal(file.normalizedMessage.content[0].attachment.filename, 'a.png');
  assert.equal(file.status, 'sent');

  // GET one message: the same MessageData.
  const one = await platform(emulator, token, 'GET', `${CONVERSATIONS}/${id}/messages/${text.id}`);
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.body, text);
});

test('bulk: ids in the order asked, unknown ids and joins left out; an empty list is answered empty', async () => {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage('messages-2', 'first'));
  const id = answer.conversationId as string;
  await sendInbound(emulator, token, integrationId, inboundMessage('messages-2', 'second'));
  const customerIds = (await listedIds(id)).filter((m) => m.purpose === 'customer').map((m) => m.id);
  const bulk = await platform(emulator, token, 'POST', `${CONVERSATIONS}/${id}/messages/bulk`, [
    customerIds[1],
    'no-such-message',
    customerIds[0],
  ]);
  assert.equal(bulk.status, 200, bulk.text);
  assert.deepEqual(
    (bulk.body as any).entities.map((m: any) => m.normalizedMessage.text),
    ['second', 'first'],
  );
  const empty = await platform(emulator, token, 'POST', `${CONVERSATIONS}/${id}/messages/bulk`, []);
  assert.deepEqual(empty.body, { entities: [] });
});

test('bulk and GET message errors: not an array, too many ids, a bad id, unknown conversation or message', async () => {
  const answer = await sendInbound(emulator, token, integrationId, inboundMessage('messages-3', 'hi'));
  const id = answer.conversationId as string;
  const bulk = `${CONVERSATIONS}/${id}/messages/bulk`;
  assertErrorBody(await platform(emulator, token, 'POST', bulk, { ids: ['x'] }), 400, 'bad.request');
  assertErrorBody(await platform(emulator, token, 'POST', bulk), 400, 'bad.request');
  const tooMany = await platform(
    emulator,
    token,
    'POST',
    bulk,
    Array.from({ length: 1001 }, (_, i) => `m${i}`),
  );
  assert.deepEqual(assertErrorBody(tooMany, 400, 'bad.request').details, [{ fieldName: 'body' }]);
  const notString = await platform(emulator, token, 'POST', bulk, ['ok', 7]);
  assert.deepEqual(assertErrorBody(notString, 400, 'bad.request').details, [{ fieldName: 'body[1]' }]);
  assertErrorBody(
    await platform(emulator, token, 'POST', `${CONVERSATIONS}/nope/messages/bulk`, []),
    404,
    'not.found',
  );
  assertErrorBody(
    await platform(emulator, token, 'GET', `${CONVERSATIONS}/${id}/messages/nope`),
    404,
    'not.found',
  );
  // Without a token, like every platform route.
  const anonymous = await fetch(`${emulator.url}${bulk}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[]',
  });
  assert.equal(anonymous.status, 401);
});
