// Genesys allows 20 notification channels per OAuth client and evicts the oldest for a 21st (OM
// protocol §4.6): endpoints sharing an OAuth client on one org split them, so none evicts another's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.ts';
import type { OpenMessagingEndpointConfig } from '../../src/config/schema.ts';
import { channelBudgets } from '../../src/composition/open-messaging-provider.ts';

function omEndpoints(
  specs: { id: string; clientId: string; region?: string }[],
): OpenMessagingEndpointConfig[] {
  const config = parseConfig(
    {
      apiKeys: [{ name: 'bot', key: 'ghk_IuK8_ZFZiCcTcXdYb7B3l-Aann_pHpPzMOx9fnshx9w', endpoints: ['*'] }],
      endpoints: specs.map((s, i) => ({
        id: s.id,
        provider: 'genesys-open-messaging',
        genesys: {
          region: s.region ?? 'eu_central_1',
          clientId: s.clientId,
          clientSecret: 'secret',
          integrationId: `integration-${i}`,
          webhookSecret: 'a-webhook-secret-long-enough',
        },
        queue: 'Support',
      })),
    },
    {},
  );
  return config.endpoints.filter(
    (e): e is OpenMessagingEndpointConfig => e.provider === 'genesys-open-messaging',
  );
}

test('one endpoint per OAuth client keeps all 20 channels; sharing ones split them', () => {
  const budgets = channelBudgets(
    omEndpoints([
      { id: 'alone', clientId: 'a' },
      { id: 'shared-1', clientId: 'b' },
      { id: 'shared-2', clientId: 'b' },
      { id: 'shared-3', clientId: 'b' },
      { id: 'other-org', clientId: 'b', region: 'us_east_1' },
    ]),
  );
  assert.deepEqual(Object.fromEntries(budgets), {
    alone: 20,
    'shared-1': 6,
    'shared-2': 6,
    'shared-3': 6,
    'other-org': 20,
  });
});

test('never fewer than 2 (one in use, one spare for the 24 h renewal)', () => {
  const many = Array.from({ length: 15 }, (_, i) => ({ id: `e${i}`, clientId: 'same' }));
  assert.ok([...channelBudgets(omEndpoints(many)).values()].every((b) => b === 2));
});
