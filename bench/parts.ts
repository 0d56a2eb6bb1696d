// The benchmarks of the suite, in the order `npm run bench` runs them; each declares its rows up
// front (so every row prints, measured or not) and fills them in.
import type { BenchConfig } from './config.ts';
import { historyRows, runHistory } from './history.ts';
import { latencyRows, runLatency } from './latency.ts';
import { omRelayRows, runOmRelay } from './om-relay.ts';
import { pgRelayRows, runPgRelay } from './pg-relay.ts';
import { relayRows, runRelay } from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { restartRows, runRestart } from './restart.ts';
import { runScale, scaleRows } from './scale.ts';
import { runTakeover, takeoverRows } from './takeover.ts';

export interface Part {
  readonly rows: (c: BenchConfig) => RowSpec[];
  readonly run: (results: Results) => Promise<void>;
}

export const PARTS = {
  relay: { rows: (c) => relayRows(c), run: (r) => runRelay(r) },
  'om-relay': { rows: omRelayRows, run: runOmRelay },
  'pg-relay': { rows: pgRelayRows, run: runPgRelay },
  history: { rows: historyRows, run: runHistory },
  latency: { rows: latencyRows, run: runLatency },
  scale: { rows: scaleRows, run: runScale },
  restart: { rows: restartRows, run: runRestart },
  takeover: { rows: takeoverRows, run: runTakeover },
} as const satisfies Record<string, Part>;

export type PartName = keyof typeof PARTS;

export function isPartName(name: string): name is PartName {
  return Object.hasOwn(PARTS, name);
}

/** Every row the named parts print, in order (the CI smoke test checks each one appears). */
export function plannedRows(parts: readonly PartName[], c: BenchConfig): RowSpec[] {
  return parts.flatMap((p) => PARTS[p].rows(c));
}
