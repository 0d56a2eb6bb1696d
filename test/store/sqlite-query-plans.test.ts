// The hot queries do not grow with history (issue 12): every statement the store runs on the hot
// paths — a handover's commits with events, outbox rows and transcript lines, the dispatcher's poll
// and outcomes, SSE replay, the sender's reads, re-attaching after a restart — is captured while a
// workload runs, and its plan is read back: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL
// (with sequential scans disabled, so a Seq Scan left in the plan means no index could serve it).
// No statement may read a whole table, nor a whole index unless the index holds only work still to
// do (LIVE_ONLY_INDEXES: pending deliveries, dead letters, lines not yet sent, unended handovers).
// Not covered (not hot): `handovers.list` (paged by an index, stops at the limit) and
// `countByState` (the metrics scrape).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { HOT_TABLES as TABLES, LIVE_ONLY_INDEXES, hotWorkload } from './hot-workload.ts';

void describe('hot query plans: SQLite', () => {
  const root = mkdtempSync(join(tmpdir(), 'gh-plans-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('no hot statement scans a whole table, or a whole index that is not partial', async () => {
    const path = join(root, 'store.db');
    const statements = new Set<string>();
    const store = await SqliteStore.open({ path, trace: (sql) => statements.add(sql) });
    try {
      statements.clear(); // migrations are not hot
      await hotWorkload(store);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const partial = new Set(
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'")
          .pluck()
          .all() as string[],
      );
      // Each live-only index exists and is partial: a renamed or widened one fails here, not silently.
      assert.deepEqual(
        [...LIVE_ONLY_INDEXES].filter((name) => !partial.has(name)),
        [],
      );
      const checked = new Set<string>();
      const offenders: string[] = [];
      for (const sql of statements) {
        if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) continue; // BEGIN, SAVEPOINT …
        checked.add(sql);
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
        for (const { detail } of plan) {
          const perHandover = wholeHandoverRead(db, LIVE_ONLY_INDEXES, detail, sql);
          if (perHandover) offenders.push(`${perHandover}\n  in: ${sql}`);
          const scan = /^SCAN (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX (\w+))?/.exec(detail);
          if (!scan) continue;
          const [, table, index] = scan;
          const onHotTable = TABLES.includes(table!) || /^SCAN (o|e|older|other)\b/.test(detail);
          if (onHotTable && !(index && LIVE_ONLY_INDEXES.has(index)))
            offenders.push(`${detail}\n  in: ${sql}`);
        }
      }
      assert.ok(checked.size >= 15, `only ${checked.size} statements captured`);
      assert.deepEqual(offenders, []);
    } finally {
      db.close();
    }
  });
});

/**
 * A search that pins only the handover (`(handover_id=?)`) on a non-partial index reads every row
 * the handover ever had — its whole history, each time. Allowed only where SQLite reads one entry
 * (the min/max optimisation: MAX or MIN of the index's next column, from a covering index) and for
 * the two statements that read a whole transcript by design, never per message: `transcript.all`
 * (a reconcile after an uncertain send, the API's transcript) and `transcript.speakerTimes` (the
 * activity clocks at attach: role and time of the two sides' lines, no text).
 */
function wholeHandoverRead(
  db: Database.Database,
  liveOnly: ReadonlySet<string>,
  detail: string,
  sql: string,
): string | undefined {
  const m = /^SEARCH (\w+)(?: AS \w+)? USING (COVERING )?INDEX (\w+) \(handover_id=\?\)$/.exec(detail);
  if (!m || !TABLES.includes(m[1]!)) return undefined;
  const [, , covering, index] = m;
  if (liveOnly.has(index!)) return undefined;
  if (/ORDER BY at, position\s*$/.test(sql)) return undefined; // transcript.all
  if (
    /^SELECT role, at FROM transcript WHERE handover_id = .+ AND role IN \('customer', 'agent'\)$/.test(sql)
  )
    return undefined; // transcript.speakerTimes
  const next = (db.prepare(`PRAGMA index_info(${index})`).all() as { seqno: number; name: string }[]).find(
    (c) => c.seqno === 1,
  )?.name;
  const aggregated = /\b(?:MAX|MIN)\((\w+)\)/i.exec(sql)?.[1];
  if (covering && next !== undefined && aggregated === next) return undefined;
  return `${detail} (reads the handover's whole history)`;
}
