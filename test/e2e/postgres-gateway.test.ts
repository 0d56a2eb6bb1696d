// The gateway on PostgreSQL (`store.kind: postgres`): a whole handover and a restart, against the
// throwaway cluster `npm test` starts (DATABASE_URL).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const url = process.env.DATABASE_URL;
const schema = `gh_e2e_${randomBytes(4).toString('hex')}`;
let h: Harness;

before(async () => {
  assert.ok(url, 'DATABASE_URL is not set: run this through `npm test`, which starts PostgreSQL');
  h = await startHarness({ store: { kind: 'postgres', url, schema } });
});
after(async () => {
  await h.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

const hasType = (t: HandoverEvent['type']) => (events: HandoverEvent[]) => events.some((e) => e.type === t);

test('a handover on PostgreSQL: messages both ways, a restart, the agent ends', async () => {
  const started = await h.api('POST', '/v1/handovers', {
    endpoint: 'support',
    customer: { userId: 'pg-user', sessionId: 'pg-session', displayName: 'Pat Postgres' },
    settings: { customAttributes: { db: 'postgres' } },
  });
  assert.equal(started.status, 201);
  const id: string = started.body.id;
  assert.equal(
    (
      await h.api('POST', '/v1/handovers', {
        endpoint: 'support',
        customer: { userId: 'pg-user', sessionId: 'pg-session' },
      })
    ).body.id,
    id,
  );
  await h.webhookEvents(id, hasType('handover.queued'));
  const conv = await h.conversationFor('Pat Postgres');
  assert.deepEqual(conv.customer.customFields, { brand: 'acme', db: 'postgres' });
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {});
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, {
    body: 'hello from the agent',
  });
  await h.api('POST', `/v1/handovers/${id}/messages`, { text: 'hello from the customer' });
  await h.webhookEvents(id, hasType('handover.agent_message'));

  await h.restartGateway();
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body: 'after the restart' });
  await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/leave`);
  const events = await h.webhookEvents(id, hasType('handover.ended'));
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : [])),
    ['hello from the agent', 'after the restart'],
  );
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
  );
  const transcript = await h.api('GET', `/v1/handovers/${id}/transcript`);
  assert.deepEqual(
    (transcript.body.items as any[]).map((i) => `${i.role}:${i.text}`),
    ['agent:hello from the agent', 'customer:hello from the customer', 'agent:after the restart'],
  );
  const c = await waitFor(async () => {
    const got = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
    return (got.messages as any[]).some((m) => m.body === 'hello from the customer') ? got : undefined;
  });
  assert.equal((c.messages as any[]).filter((m) => m.body === 'hello from the customer').length, 1);
});
