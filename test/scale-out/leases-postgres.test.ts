// The PostgreSQL lease store (ports/ownership.ts) and the commit fence, on the throwaway cluster
// `npm test` starts: two "instances" are two stores on one fresh schema.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import pg from 'pg';
import { LeaseLostError } from '../../src/core/ports/store/index.ts';
import { InProcessNotifier } from '../../src/delivery/in-process-notifier.ts';
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
