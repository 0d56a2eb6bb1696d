// The PostgreSQL lease store (ports/ownership.ts) and the commit fence, on the throwaway cluster
// `npm test` starts: two "instances" are two stores on one fresh schema.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import pg from 'pg';
import { LeaseLostError } from '../../src/core/ports/store/index.ts';
import { InProcessNotifier } from '../../src/delivery/in-process-notifier.ts';
import { channelName } from '../../src/store/postgres/pg-listener.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';
import { makeHandover, nextVersion } from '../store/fixtures.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: run with `npm test` (it starts a throwaway PostgreSQL)');

const admin = new pg.Pool({ connectionString: url, max: 2 });
const opened: PostgresStore[] = [];
const schemas: string[] = [];
after(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

async function twoInstances(leaseMs: number) {
  const schema = `lease_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(schema);
  const open = async (instanceId: string) => {
    const store = await PostgresStore.open({ connectionString: url!, schema, poolSize: 3, instanceId });
    opened.push(store);
    const bus = new InProcessNotifier();
    return { store, bus, ...(await store.cluster({ instanceId, leaseMs, bus })) };
  };
  return [await open('a'), await open('b')] as const;
}

test('claims: one live owner per handover; a takeover after expiry bumps the token; the old fence is refused', async () => {
  const [a, b] = await twoInstances(600);
  const h = makeHandover({ id: randomUUID() });
  await a.store.handovers.create({ handover: h, webhook: false });
  const ownerA = await a.leases.join();
  const ownerB = await b.leases.join();
  assert.deepEqual(await a.leases.view(), { live: 2, unended: 1 });

  const [won] = await a.leases.claim(ownerA, [h.id]);
  assert.equal(won?.token, 1);
  assert.deepEqual(await b.leases.claim(ownerB, [h.id]), [], 'held by a live owner');
  assert.deepEqual(await b.leases.claimAny(ownerB, 5), []);

  // A's fenced commit goes through while it holds the lease.
  const v2 = nextVersion(h);
  await a.store.handovers.commit({
    handover: v2,
    expectedVersion: 1,
    webhook: false,
    fence: { owner: ownerA, token: 1 },
  });

  // A stops renewing (a frozen process); B renews and takes over after the lease time.
  for (let i = 0; i < 4; i++) {
    await sleep(200);
    assert.equal(await b.leases.renew(ownerB), true);
  }
  const [taken] = await b.leases.claimAny(ownerB, 5);
  assert.deepEqual(taken, { handoverId: h.id, token: 2 });
  assert.equal(await a.leases.renew(ownerA), false, 'an expired registration is not brought back');

  const v3 = nextVersion(v2);
  await assert.rejects(
    a.store.handovers.commit({
      handover: v3,
      expectedVersion: 2,
      webhook: false,
      fence: { owner: ownerA, token: 1 },
    }),
    LeaseLostError,
  );
  assert.equal(
    (await b.store.handovers.get(h.id))?.handover.version,
    2,
    'nothing of the refused commit was written',
  );
  await b.store.handovers.commit({
    handover: v3,
    expectedVersion: 2,
    webhook: false,
    fence: { owner: ownerB, token: 2 },
  });
});

test('release hands a lease back at once (NOTIFY wakes the others); leave frees everything; singletons', async () => {
  const [a, b] = await twoInstances(5_000);
  const ids = [randomUUID(), randomUUID()];
  for (const id of ids)
    await a.store.handovers.create({
      handover: makeHandover({ id, customer: { ...makeHandover().customer, userId: id } }),
      webhook: false,
    });
  const ownerA = await a.leases.join();
  const ownerB = await b.leases.join();
  assert.equal((await a.leases.claimAny(ownerA, 10)).length, 2);
  let woken = 0;
  b.leases.onChange(() => (woken += 1));
  await a.leases.release(ownerA, [ids[0]!]);
  await waitFor(() => woken > 0, { what: 'B woken by the release' });
  const [got] = await b.leases.claimAny(ownerB, 10);
  assert.deepEqual(got, { handoverId: ids[0], token: 2 });

  assert.equal(await a.leases.singleton(ownerA, 'purge'), true);
  assert.equal(await b.leases.singleton(ownerB, 'purge'), false);
  assert.equal(await a.leases.singleton(ownerA, 'purge'), true, 'kept by its holder');
  await a.leases.leave(ownerA);
  assert.deepEqual(await b.leases.claimAny(ownerB, 10), [{ handoverId: ids[1], token: 2 }]);
  assert.equal(await b.leases.singleton(ownerB, 'purge'), true, 'free once its holder left');
  assert.deepEqual(await b.leases.view(), { live: 1, unended: 2 });
});

test('the notifier: a publish on one instance wakes subscribers of another (remote), not its own twice', async () => {
  const [a, b] = await twoInstances(5_000);
  const seen: string[] = [];
  b.notifier.subscribe('h1', (remote) => seen.push(`b:${remote}`));
  a.notifier.subscribe('h1', (remote) => seen.push(`a:${remote}`));
  a.notifier.publish('h1');
  await waitFor(() => seen.includes('b:true'), { what: 'B woken through NOTIFY' });
  await sleep(200);
  assert.deepEqual(seen.sort(), ['a:false', 'b:true']);
});

test('the pushed-events inbox: stored once per provider message, only for a live handover of its endpoint; the owner hears of it', async () => {
  const [a, b] = await twoInstances(5_000);
  const h = makeHandover({ id: randomUUID() });
  await a.store.handovers.create({ handover: h, webhook: false });
  const heard: string[] = [];
  b.inbox.onArrival((id) => heard.push(id));
  const agent = { id: 'agent-1', role: 'agent' as const, displayName: 'Alice' };
  const message = (n: number) => ({
    type: 'message' as const,
    providerMessageId: `m-${n}`,
    participant: agent,
    text: `a:${n} ✓ 'quoted' "text"`,
    kind: 'text' as const,
    own: false,
    at: `2030-01-01T00:00:0${n}.000Z`,
    ...(n > 1 ? { follows: `m-${n - 1}` } : {}),
  });
  const connected = {
    type: 'participant' as const,
    participant: agent,
    state: 'connected' as const,
    at: '2030-01-01T00:00:00.000Z',
  };

  assert.equal(await a.inbox.put(h.endpointId, h.id, 'message:m-1', [connected, message(1)]), 'stored');
  assert.equal(await a.inbox.put(h.endpointId, h.id, 'message:m-2', [message(2)]), 'stored');
  // Genesys delivers m-1 again, to another instance: one row still.
  assert.equal(await b.inbox.put(h.endpointId, h.id, 'message:m-1', [connected, message(1)]), 'stored');
  assert.equal(await a.inbox.put('another-endpoint', h.id, 'message:m-3', [message(3)]), 'ignored');
  assert.equal(await a.inbox.put(h.endpointId, randomUUID(), 'message:m-3', [message(3)]), 'ignored');
  await waitFor(() => heard.length >= 2, { what: 'the other instance woken' });
  assert.deepEqual([...new Set(heard)], [h.id]);

  const pending = await b.inbox.pending(h.id, 10);
  assert.deepEqual(
    pending.map((e) => e.events),
    [[connected, message(1)], [message(2)]],
    'in arrival order, the events as they were put',
  );
  assert.deepEqual(await b.inbox.handovers(10), [h.id]);
  await b.inbox.remove(pending[0]!.id);
  assert.deepEqual(
    (await b.inbox.pending(h.id, 10)).map((e) => e.events),
    [[message(2)]],
  );

  // The handover ends: what is left can never be committed, and goes with the next poll.
  await a.store.handovers.commit({
    handover: {
      ...nextVersion(h),
      state: 'ended',
      endedAt: '2030-01-01T00:10:00.000Z',
      endReason: 'customer_ended',
    },
    expectedVersion: 1,
    webhook: false,
  });
  assert.equal(await a.inbox.put(h.endpointId, h.id, 'message:m-4', [message(4)]), 'ignored');
  assert.deepEqual(await a.inbox.handovers(10), []);
  assert.deepEqual(await a.inbox.pending(h.id, 10), []);
});

test('owner notes: a typing pulse or a receipt told on one instance is heard on the others; junk is dropped', async () => {
  const [a, b] = await twoInstances(5_000);
  const heard: unknown[] = [];
  b.notes.onNote((note) => heard.push(note));
  // Another version's (or a hand-made) NOTIFY on the channel: not a note.
  for (const junk of ['not json', '{"kind":"typing"}', '{"kind":"end","handoverId":"h-1"}'])
    await admin.query('SELECT pg_notify($1, $2)', [channelName('owners', schemas.at(-1)), junk]);
  await a.notes.tell({ kind: 'typing', handoverId: 'h-1' });
  const receipt = {
    kind: 'receipt' as const,
    handoverId: 'h-1',
    endpointId: 'support',
    eventId: 'e-1',
    messageId: 'm-1',
    outcome: 'delivered' as const,
  };
  await a.notes.tell(receipt);
  await waitFor(() => heard.length >= 2, { what: 'both notes heard' });
  assert.deepEqual(heard, [{ kind: 'typing', handoverId: 'h-1' }, receipt]);
});
