// Open Messaging integrations (§2): asynchronous creation, listing with paging, update, delete, the
// secret-length rule, webhookHeaders, pre-configured integrations and the HTTPS-only switch.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startTestEmulator, UUID } from './helpers.ts';
import {
  accessToken,
  assertErrorBody,
  createIntegration,
  INTEGRATIONS,
  integrationBody,
  platform,
  waitCompleted,
} from './platform-helpers.ts';

let emulator: RunningEmulator;
let token: string;
before(async () => {
  emulator = await startTestEmulator({
    integrationProvisioningMs: 50,
    openIntegrations: [
      {
        id: 'preset-integration',
        name: 'Preset',
        outboundNotificationWebhookUrl: 'http://127.0.0.1:9/preset',
        outboundNotificationWebhookSignatureSecretToken: 'preset-secret-123',
      },
    ],
  });
  token = await accessToken(emulator);
});
after(() => emulator.close());

test('create answers createStatus Initiated, later Completed, with the OpenIntegration fields (§2)', async () => {
  const created = await platform(
    emulator,
    token,
    'POST',
    INTEGRATIONS,
    integrationBody({ webhookHeaders: { 'X-Api-Key': 'k1' }, id: 'ignored', selfUri: 'ignored' }),
  );
  assert.equal(created.status, 200, created.text);
  const body = created.body as Record<string, any>;
  assert.match(body.id, UUID);
  assert.equal(body.createStatus, 'Initiated');
  assert.equal(body.name, 'Bot gateway');
  assert.equal(body.status, 'active');
  assert.equal(body.outboundNotificationWebhookUrl, 'http://127.0.0.1:9/webhook');
  assert.equal(body.outboundNotificationWebhookSignatureSecretToken, 'a-secret-of-16ch');
  assert.deepEqual(body.webhookHeaders, { 'X-Api-Key': 'k1' });
  assert.match(body.recipient.id, UUID);
  assert.equal(body.recipient.selfUri, `/api/v2/routing/message/recipients/${body.recipient.id}`);
  assert.equal(body.supportedContent.id, 'webMessagingDefault');
  assert.equal(body.selfUri, `${INTEGRATIONS}/${body.id}`);
  assert.ok(body.dateCreated);
  await waitCompleted(emulator, token, body.id);
  const got = await platform(emulator, token, 'GET', `${INTEGRATIONS}/${body.id}?expand=supportedContent`);
  assert.equal((got.body as { createStatus: string }).createStatus, 'Completed');
});

test('a configured integration exists from the start, already Completed', async () => {
  const got = await platform(emulator, token, 'GET', `${INTEGRATIONS}/preset-integration`);
  assert.equal(got.status, 200, got.text);
  assert.equal((got.body as { createStatus: string }).createStatus, 'Completed');
});

test('list pages with the Genesys envelope', async () => {
  await createIntegration(emulator, token, { name: 'Second' });
  const page = await platform(emulator, token, 'GET', `${INTEGRATIONS}?pageSize=1&pageNumber=2`);
  assert.equal(page.status, 200, page.text);
  const body = page.body as Record<string, any>;
  assert.equal(body.pageSize, 1);
  assert.equal(body.pageNumber, 2);
  assert.ok(body.total >= 3);
  assert.equal(body.entities.length, 1);
  assert.equal(body.firstUri, `${INTEGRATIONS}?pageSize=1&pageNumber=1`);
  assert.equal(body.previousUri, `${INTEGRATIONS}?pageSize=1&pageNumber=1`);
  assert.equal(body.nextUri, `${INTEGRATIONS}?pageSize=1&pageNumber=3`);
});

test('PATCH changes the given fields; the secret rule applies; DELETE answers 204 then 404', async () => {
  const { id } = await createIntegration(emulator, token);
  const patched = await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/${id}`, {
    name: 'Renamed',
    outboundNotificationWebhookUrl: 'http://127.0.0.1:9/other',
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((patched.body as { name: string }).name, 'Renamed');
  assert.equal(
    (patched.body as { outboundNotificationWebhookUrl: string }).outboundNotificationWebhookUrl,
    'http://127.0.0.1:9/other',
  );
  assert.equal(
    (patched.body as { outboundNotificationWebhookSignatureSecretToken: string })
      .outboundNotificationWebhookSignatureSecretToken,
    'a-secret-of-16ch',
  );
  const short = await platform(emulator, token, 'PATCH', `${INTEGRATIONS}/${id}`, {
    name: 'Renamed',
    outboundNotificationWebhookSignatureSecretToken: 'fifteen-chars!!',
  });
  const error = assertErrorBody(short, 400, 'bad.request');
  assert.deepEqual(error.details, [{ fieldName: 'outboundNotificationWebhookSignatureSecretToken' }]);
  assert.equal((await platform(emulator, token, 'DELETE', `${INTEGRATIONS}/${id}`)).status, 204);
  assertErrorBody(await platform(emulator, token, 'GET', `${INTEGRATIONS}/${id}`), 404, 'not.found');
});

test('a secret of exactly 16 characters is accepted, 15 is not (§2 "longer than 15")', async () => {
  const ok = await platform(
    emulator,
    token,
    'POST',
    INTEGRATIONS,
    integrationBody({
      outboundNotificationWebhookSignatureSecretToken: 'x'.repeat(16),
    }),
  );
  assert.equal(ok.status, 200, ok.text);
  const short = await platform(
    emulator,
    token,
    'POST',
    INTEGRATIONS,
    integrationBody({
      outboundNotificationWebhookSignatureSecretToken: 'x'.repeat(15),
    }),
  );
  assert.match(assertErrorBody(short, 400, 'bad.request').message as string, /longer than 15 characters/);
});

test('requireHttpsWebhooks refuses anything but HTTPS on port 443', async () => {
  const strict = await startTestEmulator({ requireHttpsWebhooks: true });
  try {
    const strictToken = await accessToken(strict);
    for (const url of ['http://example.com/hook', 'https://example.com:8443/hook']) {
      const refused = await platform(
        strict,
        strictToken,
        'POST',
        INTEGRATIONS,
        integrationBody({ outboundNotificationWebhookUrl: url }),
      );
      assertErrorBody(refused, 400, 'bad.request');
    }
    const ok = await platform(
      strict,
      strictToken,
      'POST',
      INTEGRATIONS,
      integrationBody({
        outboundNotificationWebhookUrl: 'https://example.com/hook',
      }),
    );
    assert.equal(ok.status, 200, ok.text);
  } finally {
    await strict.close();
  }
});
