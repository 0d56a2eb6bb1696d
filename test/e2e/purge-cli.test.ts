// `genesys-handover purge`: ended handovers past the retention period go, with transcript, events and
// outbox rows; newer and unended ones stay. Run as a user runs it: a child process on a SQLite file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Handover } from '../../src/core/model/handover.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { makeEvent, makeHandover, makeLine, nextVersion } from '../store/fixtures.ts';

const bin = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gh-purge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const daysAgo = (days: number): string => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();

async function seed(store: SqliteStore, state: Handover['state'], endedDaysAgo?: number): Promise<Handover> {
  const h = makeHandover({ createdAt: daysAgo(100), updatedAt: daysAgo(100) });
  await store.handovers.create({
    handover: { ...h, lastSeq: 1 },
    webhook: true,
    events: [makeEvent(h, 1)],
    transcript: [makeLine(h)],
  });
  const at = endedDaysAgo === undefined ? daysAgo(50) : daysAgo(endedDaysAgo);
  await store.handovers.commit({
    handover: nextVersion(
      { ...h, lastSeq: 1 },
      { state, updatedAt: at, ...(endedDaysAgo === undefined ? {} : { endedAt: at }) },
    ),
    expectedVersion: 1,
    webhook: false,
  });
  return h;
}

test('purge deletes what ended before the retention period, with --older-than-days or the configured days', async () => {
  const db = join(dir, 'data', 'gateway.db');
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      store: { path: db },
      retention: { endedHandoverDays: 30 },
      apiKeys: [{ name: 'bot', key: randomBytes(24).toString('base64url'), endpoints: ['*'] }],
      endpoints: [
        {
          id: 'support',
          provider: 'genesys-guest-chat',
          genesys: { baseUrl: 'http://127.0.0.1:9', organizationId: 'o', deploymentId: 'd' },
          queue: 'Support',
        },
      ],
    }),
  );
  const store = await SqliteStore.open({ path: db });
  const ancient = await seed(store, 'ended', 60);
  const failedOld = await seed(store, 'failed', 40);
  const recent = await seed(store, 'ended', 5);
  const active = await seed(store, 'active');
  await store.close();

  const configured = await run(['purge', '--config', config]);
  assert.equal(configured.code, 0, configured.output);
  assert.match(configured.output, /^purged 2 handover\(s\) that ended before \d{4}-/m);

  const flagged = await run(['purge', '--config', config, '--older-than-days', '1']);
  assert.equal(flagged.code, 0, flagged.output);
  assert.match(flagged.output, /^purged 1 handover\(s\)/m);

  const bad = await run(['purge', '--config', config, '--older-than-days', 'soon']);
  assert.equal(bad.code, 2, bad.output);
  assert.match(bad.output, /invalid flags: olderThanDays/);

  const after = await SqliteStore.open({ path: db });
  try {
    for (const h of [ancient, failedOld, recent]) {
      assert.equal(await after.handovers.get(h.id), undefined);
      assert.deepEqual(await after.transcript.all(h.id), []);
      assert.deepEqual(await after.events.after(h.id, 0, 10), []);
    }
    assert.equal((await after.handovers.get(active.id))?.handover.state, 'active');
    assert.equal((await after.transcript.all(active.id)).length, 1);
  } finally {
    await after.close();
  }
});
