// A wrong OAuth secret on an Open Messaging endpoint: the gateway starts (other endpoints work) but
// /readyz answers 503 and says which endpoint and why — without the secret (OM protocol §1.4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OM_INTEGRATION, OM_WEBHOOK_SECRET, startHarness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

test('invalid_client at start: /readyz is 503 and names the endpoint and the problem', async () => {
  const wrongSecret = 'not-the-emulator-secret-1234';
  const h = await startHarness({
    omEndpointExtra: {
      genesys: {
        baseUrl: 'http://127.0.0.1:1', // replaced below: the harness fills in the emulator
        clientId: 'emulator-client',
        clientSecret: wrongSecret,
        integrationId: OM_INTEGRATION,
        webhookSecret: OM_WEBHOOK_SECRET,
      },
    },
    omBaseUrlFromEmulator: true,
  });
  try {
    const ready = await waitFor(
      async () => {
        const res = await fetch(`${h.gateway.url}/readyz`);
        return res.status === 503
          ? ((await res.json()) as { status: string; problems?: string[] })
          : undefined;
      },
      { what: '/readyz not ready' },
    );
    assert.equal(ready.status, 'not_ready');
    const text = (ready.problems ?? []).join('\n');
    assert.match(text, /endpoint support-om: /);
    assert.match(text, /OAuth client|invalid_client/i);
    assert.ok(!text.includes(wrongSecret), 'the secret never appears');
    // Guest chat endpoints still work.
    const started = await h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 'u-ready', sessionId: 's', displayName: 'Rea Dy' },
    });
    assert.equal(started.status, 201);
  } finally {
    await h.close();
  }
});
