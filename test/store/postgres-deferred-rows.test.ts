// A PostgreSQL transaction writes what its changes add — events, outbox rows, transcript lines,
// settlements, send attempts — as one multi-row statement per kind just before it commits
// (deferred-rows.ts), and their handovers' UPDATEs as one: a group-committed batch of many commits is
// a few statements, not four or five per commit. Checked on a real server: the statements a batch
// sends, the numbering of lines of several handovers in one statement, and that a commit or row the
// database refuses fails only the write that holds it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Handover } from '../../src/core/model/handover.ts';
import type { ChangeSet } from '../../src/core/ports/store/index.ts';
import { DuplicateProviderMessageError, VersionConflictError } from '../../src/core/ports/store/index.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { at, makeEvent, makeHandover, makeLine, makeOutbound, nextVersion } from './fixtures.ts';

const databaseUrl = process.env.DATABASE_URL;

void describe('deferred rows (PostgreSQL)', () => {
  const schema = `gh_defer_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  let store: PostgresStore;

  before(async () => {
    assert.ok(databaseUrl, 'DATABASE_URL is not set: run this test with `npm test`');
    store = await PostgresStore.open({ connectionString: databaseUrl, schema, poolSize: 2 });
  });

  after(async () => {
    await store.close();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => undefined);
    await admin.end();
  });

  /** Creates handovers, each with one event (webhook on) and one agent line. */
  async function created(n: number): Promise<Handover[]> {
    const handovers = Array.from({ length: n }, () => makeHandover({ lastSeq: 1 }));
    for (const h of handovers)
      await store.handovers.create({
        handover: h,
        webhook: true,
        events: [makeEvent(h, 1)],
        transcript: [makeLine(h, { at: at(5) })],
      });
    return handovers;
  }

  /** The first words of each statement the store sends while `work` runs. */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    prototype.query = function (this: unknown, ...args: unknown[]) {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
      if (typeof text === 'string') sent.push(text.trim().split(/\s+/).slice(0, 3).join(' '));
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      prototype.query = original;
    }
    return sent;
  }

  /** An agent message's commit: its event (to the webhook) and its line with Genesys' id. */
  function agentMessage(h: Handover): ChangeSet {
    return {
      handover: nextVersion(h, { lastSeq: 2 }),
      expectedVersion: h.version,
      webhook: true,
      events: [makeEvent(h, 2)],
      transcript: [makeLine(h, { at: at(5), providerMessageId: `pm-${h.id}` })],
    };
  }

  test('a batch of commits sends one UPDATE of their handovers and one INSERT per table', async () => {
    const handovers = await created(20);
    // Submitted in one turn of the event loop: one group-committed batch.
    const sent = await statementsOf(() =>
      Promise.all(handovers.map((h) => store.handovers.commit(agentMessage(h)))),
    );
    const count = (prefix: string): number => sent.filter((s) => s.startsWith(prefix)).length;
    const batches = count('BEGIN');
    assert.ok(batches >= 1 && batches <= 2, `${batches} transactions`);
    assert.equal(count('UPDATE handovers'), batches, sent.join(' | '));
    for (const table of ['events', 'outbox', 'transcript'])
      assert.equal(count(`INSERT INTO ${table}`), batches, `INSERTs into ${table}: ${sent.join(' | ')}`);
    for (const h of handovers) {
      assert.deepEqual(
        (await store.events.after(h.id, 0, 10)).map((e) => e.seq),
        [1, 2],
      );
      const lines = await store.transcript.all(h.id);
      assert.deepEqual(
        lines.map((l) => l.providerMessageId),
        [undefined, `pm-${h.id}`],
      );
      assert.ok(await store.transcript.hasProviderMessage(h.id, `pm-${h.id}`));
    }
    const stats = await store.events.outboxStats();
    assert.ok(stats.pending >= 40, `${stats.pending} outbox rows pending`);
  });

  test("the batch's one UPDATE refuses a stale commit and a held provider message alone; a handover's second commit meets its first", async () => {
    const [stale, twice, ...others] = await created(7);
    assert.ok(stale && twice);
    // A handover whose first line holds a Genesys message id.
    const held = makeHandover({ lastSeq: 1 });
    await store.handovers.create({
      handover: held,
      webhook: true,
      events: [makeEvent(held, 1)],
      transcript: [makeLine(held, { at: at(5), providerMessageId: `pm0-${held.id}` })],
    });
    const first = nextVersion(twice, { lastSeq: 2 });
    let results: PromiseSettledResult<void>[] = [];
    const sent = await statementsOf(async () => {
      results = await Promise.allSettled([
        // Expects a version the handover has not reached: a conflict.
        store.handovers.commit({
          ...agentMessage(stale),
          handover: { ...stale, version: 5 },
          expectedVersion: 4,
        }),
        // An agent line whose Genesys id the handover holds already (a call sent again).
        store.handovers.commit({
          ...agentMessage(held),
          transcript: [makeLine(held, { at: at(6), providerMessageId: `pm0-${held.id}` })],
        }),
        // Two commits of one handover, the second from the first's version: both are written.
        store.handovers.commit({ ...agentMessage(twice), handover: first }),
        store.handovers.commit({
          handover: nextVersion(first, { lastSeq: 3 }),
          expectedVersion: first.version,
          webhook: true,
          events: [makeEvent(twice, 3)],
        }),
        ...others.map((h) => store.handovers.commit(agentMessage(h))),
      ]);
    });
    const [staleResult, heldResult, ...rest] = results;
    assert.ok(staleResult?.status === 'rejected' && staleResult.reason instanceof VersionConflictError);
    assert.ok(
      heldResult?.status === 'rejected' && heldResult.reason instanceof DuplicateProviderMessageError,
    );
    assert.deepEqual(
      rest.map((r) => r.status),
      rest.map(() => 'fulfilled'),
    );
    // One transaction (nothing split): an UPDATE for the first commits, one for the second.
    const count = (prefix: string): number => sent.filter((x) => x.startsWith(prefix)).length;
    assert.equal(count('BEGIN'), 1, sent.join(' | '));
    assert.equal(count('UPDATE handovers'), 2, sent.join(' | '));
    assert.equal((await store.handovers.get(stale.id))?.handover.version, stale.version);
    assert.equal((await store.handovers.get(held.id))?.handover.version, held.version);
    assert.deepEqual(
      (await store.transcript.all(held.id)).map((l) => l.providerMessageId),
      [`pm0-${held.id}`],
    );
    assert.equal((await store.handovers.get(twice.id))?.handover.version, first.version + 1);
    assert.deepEqual(
      (await store.events.after(twice.id, 0, 10)).map((e) => e.seq),
      [1, 2, 3],
    );
    for (const h of others) assert.equal((await store.handovers.get(h.id))?.handover.version, h.version + 1);
  });

  test('deliveries recorded together are one DELETE; an outcome for an unknown event is refused, the others commit', async () => {
    const handovers = await created(10);
    const due = await store.events.dueDeliveries(
      at(10_000),
      100,
      new Set(),
      new Set(handovers.map((h) => h.id)),
    );
    assert.equal(due.length, 10);
    const delivered = { kind: 'delivered', at: at(10_001) } as const;
    let results: PromiseSettledResult<void>[] = [];
    const sent = await statementsOf(async () => {
      results = await Promise.allSettled([
        ...due.map((d) => store.events.recordDelivery(d.event.id, delivered)),
        store.events.recordDelivery(randomUUID(), delivered),
      ]);
    });
    assert.deepEqual(
      results.map((r) => r.status),
      [...due.map(() => 'fulfilled'), 'rejected'],
    );
    assert.match(String((results.at(-1) as PromiseRejectedResult).reason), /no outbox entry/);
    // One batch, one DELETE; the unknown event is refused without splitting it.
    assert.deepEqual(
      sent.filter((s) => /^(BEGIN|DELETE|COMMIT|ROLLBACK)/.test(s)),
      ['BEGIN', 'DELETE FROM outbox', 'COMMIT'],
      sent.join(' | '),
    );
    assert.deepEqual(
      await store.events.dueDeliveries(at(10_000), 100, new Set(), new Set(handovers.map((h) => h.id))),
      [],
    );
    // A late outcome for a delivered event changes nothing and fails nothing.
    await store.events.recordDelivery(due[0]?.event.id ?? '', delivered);
    const together = await statementsOf(() =>
      Promise.all(due.map((d) => store.events.recordDelivery(d.event.id, delivered))),
    );
    assert.equal(together.filter((s) => s.startsWith('DELETE FROM outbox')).length, 1, together.join(' | '));
  });

  test('lines of several handovers in one statement are numbered per handover, in the order appended', async () => {
    const [a, b] = await created(2);
    assert.ok(a && b);
    // Same time as each handover's first line: only `position` orders them.
    const linesA = [1, 2, 3].map((i) => makeLine(a, { at: at(5), text: `a${i}` }));
    const linesB = [1, 2].map((i) => makeLine(b, { at: at(5), text: `b${i}` }));
    await Promise.all([
      store.handovers.commit({
        handover: nextVersion(a),
        expectedVersion: 1,
        webhook: false,
        transcript: linesA,
      }),
      store.handovers.commit({
        handover: nextVersion(b),
        expectedVersion: 1,
        webhook: false,
        transcript: linesB,
      }),
    ]);
    assert.deepEqual(
      (await store.transcript.all(a.id)).map((l) => l.text),
      ['Hello', 'a1', 'a2', 'a3'],
    );
    assert.deepEqual(
      (await store.transcript.all(b.id)).map((l) => l.text),
      ['Hello', 'b1', 'b2'],
    );
  });

  test('in one batch, a settlement of a line of the same change works and a refused row fails its own write only', async () => {
    const [fresh, echo, missing, late, plain] = await created(5);
    assert.ok(fresh && echo && missing && late && plain);
    // `echo`: an outbound line whose confirmation carries the id of its agent line (held already).
    const pending = makeOutbound(echo, 1);
    const held = makeLine(echo, { providerMessageId: 'pm-held' });
    await store.handovers.commit({
      handover: nextVersion(echo),
      expectedVersion: 1,
      webhook: false,
      transcript: [pending, held],
    });
    const echoNow = nextVersion(echo);
    // `late`: a line settled before, confirmed again.
    const done = makeOutbound(late, 1);
    await store.handovers.commit({
      handover: nextVersion(late),
      expectedVersion: 1,
      webhook: false,
      transcript: [done],
      sent: [],
    });
    await store.handovers.commit({
      handover: nextVersion(nextVersion(late)),
      expectedVersion: 2,
      webhook: false,
      sent: [{ entryId: done.id, providerMessageId: 'pm-done' }],
    });
    const lateNow = nextVersion(nextVersion(late));
    const line = makeOutbound(fresh, 1);
    const results = await Promise.allSettled([
      // A line appended and settled by one change: the flush inserts it before it settles it.
      store.handovers.commit({
        handover: nextVersion(fresh),
        expectedVersion: 1,
        webhook: false,
        transcript: [line],
        sent: [{ entryId: line.id, providerMessageId: 'pm-fresh' }],
      }),
      store.handovers.commit({
        handover: nextVersion(echoNow),
        expectedVersion: echoNow.version,
        webhook: false,
        sent: [{ entryId: pending.id, providerMessageId: 'pm-held' }],
      }),
      store.handovers.commit({
        handover: nextVersion(missing),
        expectedVersion: 1,
        webhook: false,
        undelivered: [randomUUID()],
      }),
      store.handovers.commit({
        handover: nextVersion(lateNow),
        expectedVersion: lateNow.version,
        webhook: false,
        sent: [{ entryId: done.id, providerMessageId: 'pm-other' }],
      }),
      store.handovers.commit(agentMessage(plain)),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled'],
    );
    const [, dup, none] = results;
    assert.ok(dup.status === 'rejected' && dup.reason instanceof DuplicateProviderMessageError);
    assert.ok(none.status === 'rejected' && /no outbound transcript line/.test(String(none.reason)));
    const freshLines = await store.transcript.all(fresh.id);
    assert.deepEqual(
      freshLines.filter((l) => l.outbound).map((l) => [l.outbound?.status, l.providerMessageId]),
      [['sent', 'pm-fresh']],
    );
    assert.deepEqual(
      (await store.transcript.pendingOutbound(echo.id)).map((l) => l.id),
      [pending.id],
      'the refused settlement changed nothing',
    );
    assert.equal((await store.handovers.get(missing.id))?.handover.version, 1);
    const lateLine = (await store.transcript.all(late.id)).find((l) => l.id === done.id);
    assert.deepEqual([lateLine?.outbound?.status, lateLine?.providerMessageId], ['sent', 'pm-done']);
    assert.equal((await store.handovers.get(plain.id))?.handover.version, 2);
  });
});
