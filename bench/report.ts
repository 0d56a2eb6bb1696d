// Rows of the result table: every benchmark declares its rows up front (so a failed or skipped
// measurement still prints its row), fills them in as it measures, and the report prints the table
// and writes the results file. Pass/fail against the goals is informational: the benchmark
// never fails because something is slow.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Load, Machine } from './machine.ts';

export type Verdict = 'pass' | 'FAIL' | 'info' | 'error' | 'not run';

export interface RowSpec {
  /** Stable key, e.g. `relay.agent-to-bot`. */
  readonly id: string;
  readonly what: string;
  /** The goal in words ('' for information only). */
  readonly goal: string;
}

export interface Row extends RowSpec {
  measured: string;
  baseline: string;
  ratio: string;
  verdict: Verdict;
  note?: string;
  /** The numbers behind the row, for the results file. */
  values?: Record<string, unknown>;
}

export interface Measured {
  readonly measured: string;
  readonly baseline?: string;
  readonly ratio?: string;
  /** undefined: no goal (information only). */
  readonly pass?: boolean;
  readonly note?: string;
  readonly values?: Record<string, unknown>;
}

export class Results {
  readonly rows: Row[] = [];
  /** Everything a benchmark measured, by benchmark name (raw numbers, per-step details). */
  readonly details: Record<string, unknown> = {};

  plan(specs: readonly RowSpec[]): void {
    for (const s of specs)
      this.rows.push({ ...s, measured: '', baseline: '', ratio: '', verdict: 'not run' });
  }

  record(id: string, m: Measured): void {
    const row = this.#row(id);
    row.measured = m.measured;
    row.baseline = m.baseline ?? '';
    row.ratio = m.ratio ?? '';
    row.verdict = m.pass === undefined ? 'info' : m.pass ? 'pass' : 'FAIL';
    if (m.note !== undefined) row.note = m.note;
    if (m.values !== undefined) row.values = m.values;
  }

  /** Marks the rows (of a prefix) that have no measurement yet as failed with `reason`. */
  fail(prefix: string, reason: string): void {
    for (const row of this.rows)
      if (row.id.startsWith(prefix) && row.verdict === 'not run') {
        row.verdict = 'error';
        row.note = reason;
      }
  }

  get errors(): number {
    return this.rows.filter((r) => r.verdict === 'error').length;
  }

  #row(id: string): Row {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new Error(`benchmark row "${id}" was not planned`);
    return row;
  }
}

/** Display width of a cell: code points (the table uses arrows, ≤, µ — no wide characters). */
const width = (s: string): number => Array.from(s).length;

const HEADERS = ['', 'goal', 'measured', 'baseline', 'ratio', 'vs goal'] as const;

/** The table, one line per row, notes (errors, remarks) below it. */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.what, r.goal, r.measured, r.baseline, r.ratio, r.verdict]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => width(c[i]!))));
  const line = (c: readonly string[]): string =>
    c
      .map((x, i) => x + ' '.repeat(widths[i]! - width(x)))
      .join(' │ ')
      .trimEnd();
  const out = [line(HEADERS), widths.map((w) => '─'.repeat(w)).join('─┼─')];
  for (const c of cells) out.push(line(c));
  const notes = rows.filter((r) => r.note);
  if (notes.length) {
    out.push('');
    for (const r of notes) out.push(`${r.verdict === 'error' ? '✗' : '·'} ${r.what}: ${r.note}`);
  }
  return out.join('\n');
}

export interface RunRecord {
  readonly at: string;
  readonly quick: boolean;
  readonly parts: readonly string[];
  readonly config: unknown;
  readonly machine: Machine;
  readonly loadBefore: Load;
  readonly loadAfter: Load;
  readonly seconds: number;
  readonly rows: readonly Row[];
  readonly details: Record<string, unknown>;
}

/**
 * Writes `<dir>/<timestamp>.json` and `<dir>/latest.json`, and appends one line per run to
 * `<dir>/history.jsonl` (the rows only). The directory is ignored by git.
 */
export function writeResults(dir: string, record: RunRecord): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.at.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  const summary = {
    at: record.at,
    quick: record.quick,
    commit: record.machine.commit,
    // Runs on several Node majors share the history (scripts/on-node.sh); each line says which.
    node: record.machine.node,
    cpus: record.machine.cpus,
    loadavg: [record.loadBefore.loadavg[0], record.loadAfter.loadavg[0]],
    rows: Object.fromEntries(
      record.rows.map((r) => [r.id, { measured: r.measured, ratio: r.ratio, verdict: r.verdict }]),
    ),
  };
  appendFileSync(join(dir, 'history.jsonl'), `${JSON.stringify(summary)}\n`);
  return file;
}

/**
 * Passes on the warnings a child process printed that mean something grows per live handover (a
 * listener per handover on one shared signal or emitter): the bench prints them, the CI smoke test
 * fails on them. Everything else the child logged stays in the child's output.
 */
export function forwardLeakWarnings(name: string, output: string): void {
  const lines = output.split('\n').filter((l) => /MaxListenersExceededWarning|memory leak detected/.test(l));
  for (const line of new Set(lines)) process.stderr.write(`${name}: ${line}\n`);
}
