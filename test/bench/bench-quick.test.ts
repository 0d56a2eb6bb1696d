// CI smoke test of the benchmark suite: `BENCH_QUICK=1 npm run bench` runs every part at tiny sizes
// in a child process; it must complete, print every row of the table and measure each one, without
// a MaxListenersExceededWarning (a listener per live handover on a shared signal or emitter) and
// without touching a tracked file. No timing is asserted — speed is the benchmark's business.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../bench/config.ts';
import { PARTS, plannedRows, type PartName } from '../../bench/parts.ts';
import type { Row } from '../../bench/report.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

test('BENCH_QUICK=1 npm run bench completes and prints every row', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-quick-'));
  const tracked = (): string =>
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  const trackedBefore = tracked();
  try {
    const env = { ...process.env, BENCH_QUICK: '1', BENCH_RESULTS_DIR: dir };
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 0, `bench exited ${String(code)}:\n${output.slice(-6000)}`);
    assert.doesNotMatch(output, /MaxListenersExceededWarning|memory leak detected/);
    assert.equal(tracked(), trackedBefore, 'the benchmark changed no tracked file');

    const expected = plannedRows(Object.keys(PARTS) as PartName[], loadConfig(env));
    const table = output.slice(output.lastIndexOf('\n▶'));
    for (const row of expected) assert.ok(table.includes(row.what), `row "${row.what}" missing:\n${table}`);

    const results = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as {
      rows: Row[];
      machine: unknown;
    };
    assert.deepEqual(
      results.rows.map((r) => r.id),
      expected.map((r) => r.id),
    );
    const unmeasured = results.rows.filter((r) => r.verdict === 'error' || r.verdict === 'not run');
    assert.deepEqual(unmeasured, [], 'every row is measured');
    // The storage rows read the gateway's own writes: a durable relay writes something for every
    // message, the raw relay (which persists nothing) nothing.
    for (const id of ['relay.agent-to-bot.disk', 'relay.bot-to-agent.disk']) {
      const values = results.rows.find((r) => r.id === id)?.values as { gateway: number; raw: number };
      assert.ok(values.gateway > 1024, `${id}: the gateway wrote ${values.gateway} bytes a message`);
      assert.ok(values.raw < values.gateway / 10, `${id}: the raw relay wrote ${values.raw} bytes a message`);
    }
    assert.ok(results.machine, 'the results name the machine');
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
    const line = JSON.parse(history.at(-1) ?? '{}') as { node?: string };
    assert.equal(line.node, process.version, 'the history line names the Node the run used');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
