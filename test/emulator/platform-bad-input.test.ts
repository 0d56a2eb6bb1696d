// Bad input to every platform route of the Open Messaging side: a clear ErrorBody (§1.4) with
// contextId = inin-correlation-id, nothing changed, never a 500 — and the emulator keeps serving.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { http, startTestEmulator } from './helpers.ts';
import {
  accessToken,
  assertErrorBody,
  createIntegration,
  INTEGRATIONS,
  integrationBody,
  platform,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
before(async () => {
  emulator = await startTestEmulator({ integrationProvisioningMs: 0 });
  token = await accessToken(emulator);
});
after(() => emulator.close());

async function integrationCount(): Promise<number> {
  return ((await platform(emulator, token, 'GET', INTEGRATIONS)).body as { total: number }).total;
}

test('integrations: malformed JSON, non-object bodies, missing and mistyped fields', async () => {
  const before = await integrationCount();
  const raw = async (text: string): Promise<void> => {
    const result = await http(emulator, 'POST', INTEGRATIONS, {
      raw: text,
      headers: { authorization: `Bearer ${token}` },
    });
    assertErrorBody(result, 400, 'bad.request');
  };
  await raw('{"name":');
  await raw('[1,2]');
  await raw('"text"');
  await raw('');
  const cases: [Record<string, unknown>, string][] = [
    [{ name: undefined }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ outboundNotificationWebhookUrl: undefined }, 'outboundNotificationWebhookUrl'],
    [{ outboundNotificationWebhookUrl: 'not a url' }, 'outboundNotificationWebhookUrl'],
    [{ outboundNotificationWebhookUrl: 'ftp://example.com/x' }, 'outboundNotificationWebhookUrl'],
    [
      { outboundNotificationWebhookSignatureSecretToken: undefined },
      'outboundNotificationWebhookSignatureSecretToken',
    ],
    [
      { outboundNotificationWebhookSignatureSecretToken: 'short' },
      'outboundNotificationWebhookSignatureSecretToken',
    ],
    [{ webhookHeaders: { 'X-Key': 1 } }, 'webhookHeaders.X-Key'],
    [{ webhookHeaders: { 'bad header': 'v' } }, 'webhookHeaders.bad header'],
    [{ webhookHeaders: { 'X-Hub-Signature-256': 'forged' } }, 'webhookHeaders.X-Hub-Signature-256'],
    [{ supportedContent: { name: 'x' } }, 'supportedContent.id'],
  ];
  for (const [overrides, field] of cases) {
    const body = JSON.parse(JSON.stringify(integrationBody(overrides))) as unknown;
    const error = assertErrorBody(
      await platform(emulator, token, 'POST', INTEGRATIONS, body),
      400,
      'bad.request',
    );
    assert.deepEqual(error.details, [{ fieldName: field }], JSON.stringify(error));
  }
  const form = await http(emulator, 'POST', INTEGRATIONS, {
    raw: 'name=x',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assertErrorBody(form, 415, 'unsupported.media.type');
  assert.equal(await integrationCount(), before);
});

test('integrations: unknown ids are 404; PATCH without a name is refused and changes nothing', async () => {
  assertErrorBody(await platform(emulator, token, 'GET', `${INTEGRATIONS}/nope`), 404, 'not.found');
  assertErrorBody(
    await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/nope`, { name: 'x' }),
    404,
    'not.found',
  );
  assertErrorBody(await platform(emulator, token, 'DELETE', `${INTEGRATIONS}/nope`), 404, 'not.found');
  const { id } = await createIntegration(emulator, token);
  const patched = await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/${id}`, {
    outboundNotificationWebhookUrl: 'http://127.0.0.1:9/changed',
  });
  assertErrorBody(patched, 400, 'bad.request');
  const got = await platform(emulator, token, 'GET', `${INTEGRATIONS}/${id}`);
  assert.equal(
    (got.body as { outboundNotificationWebhookUrl: string }).outboundNotificationWebhookUrl,
    'http://127.0.0.1:9/webhook',
  );
});

test('integrations: bad query values are 400 invalid.query.param.value', async () => {
  for (const query of ['pageSize=0', 'pageSize=501', 'pageNumber=abc']) {
    assertErrorBody(
      await platform(emulator, token, 'GET', `${INTEGRATIONS}?${query}`),
      400,
      'invalid.query.param.value',
    );
  }
});

test('unknown platform routes are 404 not.found', async () => {
  assertErrorBody(await platform(emulator, token, 'GET', '/api/v2/nothing/here'), 404, 'not.found');
});
