// The lease keeper on virtual time (issue 14, docs/scale-out.md): several keepers share one lease
// "database" (store/memory/memory-leases.ts, the rules of the PostgreSQL queries on one clock). A
// keeper renews every lease with one call per tick, takes over the handovers of an owner whose
// registration expired (with a higher fencing token), stops acting locally once its lease may have
// passed — before the database even answers — hands its leases back on a graceful stop, and keeps
// a fair share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeaseKeeper } from '../../../src/core/engine/lease-keeper.ts';
import type { LeaseStore } from '../../../src/core/ports/ownership.ts';
import { MemoryLeases } from '../../../src/store/memory/memory-leases.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';

const LEASE_MS = 3_000;
const TICK_MS = LEASE_MS / 3;

interface Instance {
  readonly keeper: LeaseKeeper;
  readonly adopted: string[];
  readonly dropped: string[];
  readonly calls: Map<string, number>;
  readonly takeovers: { count: number };
  readonly logger: RecordingLogger;
  /** Every call to the database hangs from now on (a stall, a partition, a dead process). */
  freeze(): void;
  /** Calls go through again; the ones that hung go on. */
  thaw(): void;
}

/** A keeper on `db`, its lease store counted and freezable (the wrapper stands for the network). */
function instance(time: VirtualTime, db: MemoryLeases, name: string): Instance {
  const real = db.instance(name);
  const calls = new Map<string, number>();
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const through =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      if (gate) await gate;
      return fn(...args);
    };
  const store: LeaseStore = {
    join: through('join', () => real.join()),
    renew: through('renew', (owner: string) => real.renew(owner)),
    view: through('view', () => real.view()),
    owned: through('owned', (owner: string) => real.owned(owner)),
    claim: through('claim', (owner: string, ids: readonly string[]) => real.claim(owner, ids)),
    claimAny: through('claimAny', (owner: string, n: number) => real.claimAny(owner, n)),
    release: through('release', (owner: string, ids: readonly string[]) => real.release(owner, ids)),
    leave: through('leave', (owner: string) => real.leave(owner)),
    singleton: through('singleton', (owner: string, name: string) => real.singleton(owner, name)),
    onChange: (listener) => real.onChange(listener),
    announce: through('announce', () => real.announce()),
  };
  const adopted: string[] = [];
  const dropped: string[] = [];
  const takeovers = { count: 0 };
  const logger = new RecordingLogger();
  const keeper = new LeaseKeeper({
    leases: store,
    clock: time,
    scheduler: time,
    logger,
    leaseMs: LEASE_MS,
    adopt: (id) => adopted.push(id),
    drop: (id) => {
      dropped.push(id);
      return Promise.resolve();
    },
    observer: {
      renewed: () => undefined,
      tookOver: (n) => (takeovers.count += n),
      fenced: () => undefined,
      owned: () => undefined,
    },
  });
  return {
    keeper,
    adopted,
    dropped,
    calls,
    takeovers,
    logger,
    freeze: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    thaw: () => {
      gate = undefined;
      open?.();
    },
  };
}

function setUp(handovers: number): { time: VirtualTime; db: MemoryLeases; ids: string[] } {
  const time = new VirtualTime();
  const db = new MemoryLeases(time, LEASE_MS);
  const ids = Array.from({ length: handovers }, (_, i) => `h-${i + 1}`);
  for (const id of ids) db.handovers.add(id);
  return { time, db, ids };
}

const owned = (i: Instance, ids: readonly string[]): string[] => ids.filter((id) => i.keeper.owns(id));

test('one renewal per tick renews every lease at once, however many handovers are owned', async () => {
  const { time, db, ids } = setUp(200);
  const a = instance(time, db, 'gw-a');
  await a.keeper.start();
  assert.equal(a.keeper.ownedCount, 200);
  assert.equal(new Set(a.adopted).size, 200);
  const before = a.calls.get('renew') ?? 0;
  await time.advance(10 * TICK_MS);
  assert.equal((a.calls.get('renew') ?? 0) - before, 10, 'one renewal per tick');
  assert.equal(a.keeper.ownedCount, 200);
  assert.ok(ids.every((id) => a.keeper.mayAct(id)));
  assert.deepEqual(a.dropped, []);
  assert.equal(a.adopted.length, 200, 'nothing adopted twice');
});

test('a dead owner: its handovers are taken over after the lease time, with a higher fencing token', async () => {
  const { time, db, ids } = setUp(6);
  const a = instance(time, db, 'gw-a');
  const b = instance(time, db, 'gw-b');
  await a.keeper.start();
  await b.keeper.start();
  await time.advanceUntil(() => a.keeper.ownedCount === 3 && b.keeper.ownedCount === 3, 10 * TICK_MS);
  const mine = owned(a, ids);
  assert.equal(mine.length, 3);
  const tokens = new Map(mine.map((id) => [id, a.keeper.fenceOf(id)!.token]));
  const takenBefore = b.takeovers.count; // B's share came from A's hand-back: takeovers too

  a.freeze(); // from now on A reaches nothing: as good as dead
  const diedAt = time.nowMs;
  await time.advance(TICK_MS); // within the lease time nobody may claim A's handovers
  assert.deepEqual(owned(b, mine), []);
  const took = await time.advanceUntil(() => b.keeper.ownedCount === 6, 2 * LEASE_MS, 50);
  assert.ok(took, 'B owns all six');
  const after = time.nowMs - diedAt;
  assert.ok(after <= (LEASE_MS * 4) / 3 + 50, `takeover after ${after} ms`);
  for (const id of mine) {
    const fence = b.keeper.fenceOf(id)!;
    assert.ok(fence.token > tokens.get(id)!, 'the token grew with the change of owner');
    assert.equal(db.lease(id)?.token, fence.token);
    assert.notEqual(fence.owner, a.keeper.owner);
  }
  assert.equal(b.takeovers.count - takenBefore, 3);
  // A does not know yet (its renewal hangs), but its local clock says the lease may be gone.
  assert.ok(mine.every((id) => a.keeper.owns(id) && !a.keeper.mayAct(id)));
});

test('a stalled renewal: no act once the lease may have run out; a late answer drops all and rejoins', async () => {
  const { time, db, ids } = setUp(4);
  const a = instance(time, db, 'gw-a');
  const b = instance(time, db, 'gw-b');
  await a.keeper.start();
  await b.keeper.start();
  await time.advanceUntil(() => a.keeper.ownedCount === 2 && b.keeper.ownedCount === 2, 10 * TICK_MS);
  const mine = owned(a, ids);
  const firstName = a.keeper.owner;
  const droppedBefore = a.dropped.length; // the hand-back to B when it joined

  // A's next renewal is sent and hangs: its last successful one started at most a tick ago.
  await time.advance(TICK_MS - 1);
  a.freeze();
  await time.advance(1);
  const stalledAt = time.nowMs;
  await time.advanceUntil(() => !a.keeper.mayAct(mine[0]!), LEASE_MS, 10);
  // Lease time minus a third of it after the last renewal began: well before anyone may claim.
  assert.ok(time.nowMs - stalledAt <= LEASE_MS - TICK_MS, `stopped acting ${time.nowMs - stalledAt} ms in`);
  assert.ok(mine.every((id) => !a.keeper.mayAct(id)));
  assert.deepEqual(owned(b, mine), [], 'not yet taken: A stops acting before anyone may take over');

  await time.advanceUntil(() => b.keeper.ownedCount === 4, 2 * LEASE_MS, 50);
  assert.equal(b.keeper.ownedCount, 4);

  a.thaw(); // the renewal's answer: the registration had expired
  await time.advanceUntil(() => a.dropped.length === droppedBefore + 2, TICK_MS, 10);
  assert.deepEqual(a.dropped.slice(droppedBefore).sort(), [...mine].sort(), 'every handover dropped');
  assert.match(a.logger.text(), /registration expired/);
  // It joins again under a fresh name and gets a fair share back (B hands the excess over).
  await time.advanceUntil(() => a.keeper.ownedCount === 2 && b.keeper.ownedCount === 2, 10 * TICK_MS);
  assert.notEqual(a.keeper.owner, firstName);
  assert.equal(a.keeper.ownedCount, 2);
  for (const id of owned(a, ids)) assert.ok(a.keeper.fenceOf(id)!.token >= 3, 'a third owner, a third token');
});

test('a graceful stop hands every lease back at once: the other instance claims them within a tick', async () => {
  const { time, db, ids } = setUp(4);
  const a = instance(time, db, 'gw-a');
  const b = instance(time, db, 'gw-b');
  await a.keeper.start();
  await b.keeper.start();
  await time.advanceUntil(() => a.keeper.ownedCount === 2 && b.keeper.ownedCount === 2, 10 * TICK_MS);
  const mine = owned(a, ids);
  const takenBefore = b.takeovers.count;
  let detached = false;
  await a.keeper.stop(() => {
    detached = true;
    return Promise.resolve();
  });
  assert.ok(detached);
  assert.equal(a.keeper.ownedCount, 0);
  for (const id of mine) assert.equal(db.lease(id)?.owner, null, 'handed back');
  await time.advance(10); // far less than a tick: the hand-back woke B
  assert.equal(b.keeper.ownedCount, 4);
  assert.equal(b.takeovers.count - takenBefore, 2);
});

test('fair share: an instance that joins gets its share, new handovers spread, an ended one is released', async () => {
  const { time, db, ids } = setUp(9);
  const a = instance(time, db, 'gw-a');
  await a.keeper.start();
  assert.equal(a.keeper.ownedCount, 9);
  const b = instance(time, db, 'gw-b');
  const c = instance(time, db, 'gw-c');
  await b.keeper.start();
  await c.keeper.start();
  const even = await time.advanceUntil(
    () => [a, b, c].every((i) => i.keeper.ownedCount === 3),
    20 * TICK_MS,
    50,
  );
  assert.ok(even, `shares ${[a, b, c].map((i) => i.keeper.ownedCount).join('/')}`);
  for (const id of ids)
    assert.equal([a, b, c].filter((i) => i.keeper.owns(id)).length, 1, `one owner of ${id}`);

  // A handover created on B is claimed by B at once.
  db.handovers.add('h-new');
  b.keeper.request('h-new');
  await time.advance(1);
  assert.ok(b.keeper.owns('h-new'));

  // An ended handover's lease goes.
  const done = owned(c, ids)[0]!;
  db.handovers.delete(done);
  c.keeper.ended(done);
  await time.advance(1);
  assert.equal(c.keeper.owns(done), false);
  assert.equal(db.lease(done), undefined);

  // A commit refused by its fence: the handover is dropped here at once.
  const fenced = owned(a, ids)[0]!;
  a.keeper.lost(fenced);
  assert.equal(a.keeper.owns(fenced), false);
  assert.equal(a.dropped.at(-1), fenced);
});

test('a cluster singleton runs on exactly one live instance, and moves when its holder dies', async () => {
  const { time, db } = setUp(0);
  const a = instance(time, db, 'gw-a');
  const b = instance(time, db, 'gw-b');
  await a.keeper.start();
  await b.keeper.start();
  a.keeper.runsSingleton('retention-purge');
  b.keeper.runsSingleton('retention-purge');
  await time.advance(2 * TICK_MS);
  const runs = [a, b].filter((i) => i.keeper.runsSingleton('retention-purge'));
  assert.equal(runs.length, 1);
  const [holder, other] = runs[0] === a ? [a, b] : [b, a];
  holder.freeze();
  await time.advanceUntil(() => other.keeper.runsSingleton('retention-purge'), 3 * LEASE_MS, 50);
  assert.ok(other.keeper.runsSingleton('retention-purge'), 'taken over');
  assert.equal(
    holder.keeper.runsSingleton('retention-purge'),
    false,
    'the stalled holder stops by its clock',
  );
});
