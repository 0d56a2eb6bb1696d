// `npm run bench [-- <part>…]`: the performance benchmark suite (see bench/README.md). Parts:
// relay, om-relay, pg-relay, history, latency, scale, restart, takeover (default: all, in that
// order). BENCH_QUICK=1 runs tiny sizes (the CI smoke test). Prints a table and writes
// bench/results/<timestamp>.json,
// bench/results/latest.json and a line of bench/results/history.jsonl (BENCH_RESULTS_DIR moves them).
import { config } from './config.ts';
import { load, machine } from './machine.ts';
import { PARTS, isPartName, plannedRows, type PartName } from './parts.ts';
import { Results, table, writeResults } from './report.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => !isPartName(a));
if (unknown.length) {
  process.stderr.write(
    `unknown benchmark part(s): ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}\n`,
  );
  process.exit(2);
}
const parts: PartName[] = args.length ? (args as PartName[]) : (Object.keys(PARTS) as PartName[]);

const info = machine();
const loadBefore = load();
const started = performance.now();
process.stdout.write(
  `genesys-handover bench${config.quick ? ' (quick)' : ''}: ${parts.join(', ')} — ${info.cpus} × ${info.cpuModel}, ` +
    `node ${info.node}, ulimit -n ${info.openFilesLimit}, load ${loadBefore.loadavg.join(' ')}\n`,
);

const results = new Results();
for (const part of parts) {
  const specs = PARTS[part].rows(config);
  results.plan(specs);
  const t0 = performance.now();
  process.stdout.write(`\n▶ ${part} …\n`);
  try {
    await PARTS[part].run(results);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.fail(`${part}.`, message);
    process.stdout.write(`  ${part} failed: ${message.split('\n')[0] ?? ''}\n`);
  }
  process.stdout.write(`  ${part} done in ${Math.round((performance.now() - t0) / 1000)} s\n`);
  process.stdout.write(`${table(results.rows.filter((r) => specs.some((s) => s.id === r.id)))}\n`);
}

const loadAfter = load();
const seconds = Math.round((performance.now() - started) / 1000);
process.stdout.write(`\n${table(results.rows)}\n\n`);
process.stdout.write(
  `load average ${loadBefore.loadavg.join(' ')} before, ${loadAfter.loadavg.join(' ')} after; ${seconds} s\n`,
);
const file = writeResults(process.env.BENCH_RESULTS_DIR ?? new URL('./results/', import.meta.url).pathname, {
  at: loadBefore.at,
  quick: config.quick,
  parts,
  config,
  machine: info,
  loadBefore,
  loadAfter,
  seconds,
  rows: results.rows,
  details: results.details,
});
process.stdout.write(`results: ${file}\n`);
// Every row planned is in the table; whether they were all measured is in the exit code.
process.exit(results.errors > 0 || plannedRows(parts, config).length !== results.rows.length ? 1 : 0);
