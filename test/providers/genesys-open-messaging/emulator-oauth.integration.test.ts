// The client against the emulator: OAuth (§1) and integrations (§2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import {
  OpenMessagingApiError,
  OpenMessagingAuthError,
  OpenMessagingClient,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  clientFor,
  injectFault,
  INTEGRATION_ID,
  OM_CLIENT,
  startOmEmulator,
  WEBHOOK_SECRET,
} from './emulator-harness.ts';
import { SYSTEM_TIME } from '../../support/system-time.ts';

const signal = () => new AbortController().signal;

let emulator: RunningEmulator;
before(async () => {
  emulator = await startOmEmulator({
    oauthClients: [
      { ...OM_CLIENT, accessTokenValiditySeconds: 300 },
      { clientId: 'limited', clientSecret: 'limited-secret-01234' },
    ],
    tokenRequestsPerMinute: 3,
  });
});
after(() => emulator.close());

describe('OAuth against the emulator (§1)', () => {
  test('refresh before expiry on virtual time (5-min token → new token at 4 min), calls go on', async () => {
    const time = new VirtualTime();
    const { client, sent } = clientFor(emulator, { scheduler: time, clock: time, random: () => 0.5 });
    try {
      await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      assert.equal(client.tokenRequests, 1);
      const first = sent.find((r) => r.path.startsWith('/api/'))!.authorization;
      await time.advance(239_999);
      assert.equal(client.tokenRequests, 1);
      await time.advance(1);
      await waitFor(
        () => sent.filter((r) => r.path === '/login/oauth/token' && r.status === 200).length === 2,
        {
          what: 'the background refresh',
        },
      );
      await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      const latest = sent.filter((r) => r.path.startsWith('/api/')).at(-1)!.authorization;
      assert.notEqual(latest, first, 'the refreshed token is used');
    } finally {
      await client.close();
    }
  });

  test('a token the emulator expires (fault expire-tokens) → 401 → one new token → the call succeeds', async () => {
    const { client, sent } = clientFor(emulator);
    try {
      await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      await injectFault(emulator, { kind: 'expire-tokens', clientId: OM_CLIENT.clientId });
      const got = await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      assert.equal(got.id, INTEGRATION_ID);
      assert.equal(client.tokenRequests, 2);
      assert.deepEqual(
        sent.filter((r) => r.path.startsWith('/api/')).map((r) => r.status),
        [200, 401, 200],
      );
    } finally {
      await client.close();
    }
  });

  test('wrong secret: OpenMessagingAuthError (invalid_client), permanent, secret not in the message', async () => {
    const client = new OpenMessagingClient({
      ...SYSTEM_TIME,
      target: { baseUrl: emulator.url },
      credentials: { clientId: OM_CLIENT.clientId, clientSecret: 'not-the-secret-4711' },
      integrationId: INTEGRATION_ID,
    });
    try {
      const err = await client.integrations
        .getIntegration(INTEGRATION_ID, { signal: signal() })
        .catch((e: unknown) => e);
      assert.ok(err instanceof OpenMessagingAuthError, String(err));
      assert.equal(err.oauthError, 'invalid_client');
      assert.equal(err.isPermanent, true);
      assert.ok(!err.message.includes('not-the-secret-4711'));
    } finally {
      await client.close();
    }
  });

  test('a 429 with Retry-After (emulator fault): nothing is sent before it has passed, then the call succeeds', async () => {
    const time = new VirtualTime();
    const { client, sent } = clientFor(emulator, { scheduler: time, clock: time, random: () => 0 });
    const apiCalls = () => sent.filter((r) => r.path.startsWith('/api/'));
    try {
      await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() }); // token in hand
      await injectFault(emulator, {
        kind: 'http-error',
        status: 429,
        retryAfterSeconds: 7,
        count: 1,
        api: 'platform',
      });
      const call = client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      await waitFor(() => apiCalls().length === 2, { what: 'the 429' });
      await time.advance(6_999);
      assert.equal(apiCalls().length, 2, 'Retry-After honoured');
      await time.advance(1);
      assert.equal((await call).id, INTEGRATION_ID);
      assert.deepEqual(
        apiCalls().map((r) => r.status),
        [200, 429, 200],
      );
    } finally {
      await client.close();
    }
  });

  test("the emulator's own per-token limit (3/min here) answers 429 with Retry-After; the client waits it out", async () => {
    const time = new VirtualTime();
    const { client, sent } = clientFor(emulator, {
      credentials: { clientId: 'limited', clientSecret: 'limited-secret-01234' },
      scheduler: time,
      clock: time,
      random: () => 0,
    });
    const apiCalls = () => sent.filter((r) => r.path.startsWith('/api/')).length;
    try {
      for (let i = 0; i < 3; i++)
        await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      const fourth = client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      await waitFor(() => sent.some((r) => r.status === 429), { what: 'a 429' });
      const before429 = apiCalls();
      await time.advance(999);
      assert.equal(apiCalls(), before429, 'nothing before Retry-After (≥ 1 s)');
      // The emulator counts in real time: a fresh token starts a fresh window for the retry.
      await injectFault(emulator, { kind: 'expire-tokens', clientId: 'limited' });
      await time.advanceUntil(() => apiCalls() > before429, 61_000, 1_000);
      assert.equal((await fourth).id, INTEGRATION_ID);
      assert.deepEqual(
        sent.filter((r) => r.path.startsWith('/api/')).map((r) => r.status),
        [200, 200, 200, 429, 401, 200],
      );
    } finally {
      await client.close();
    }
  });
});

describe('integrations against the emulator (§2)', () => {
  test('get (secret stripped), list, create → Initiated → Completed', async () => {
    const { client } = clientFor(emulator);
    try {
      const got = await client.integrations.getIntegration(INTEGRATION_ID, { signal: signal() });
      assert.equal(got.name, 'Gateway');
      assert.equal(got.createStatus, 'Completed');
      assert.ok(!JSON.stringify(got).includes(WEBHOOK_SECRET));
      const list = await client.integrations.listIntegrations({ signal: signal() });
      assert.ok(list.entities.some((i) => i.id === INTEGRATION_ID));
      const created = await client.integrations.createIntegration(
        { name: 'Second', webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'second-secret-0123' },
        { signal: signal() },
      );
      assert.equal(created.createStatus, 'Initiated');
      await waitFor(
        async () =>
          (await client.integrations.getIntegration(created.id, { signal: signal() })).createStatus ===
          'Completed',
        { what: 'Completed' },
      );
      const missing = await client.integrations
        .getIntegration('no-such-id', { signal: signal() })
        .catch((e: unknown) => e);
      assert.ok(missing instanceof OpenMessagingApiError);
      assert.equal(missing.status, 404);
    } finally {
      await client.close();
    }
  });
});
