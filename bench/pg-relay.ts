// Throughput on PostgreSQL: the guest-chat relay of `relay.ts` — the same load, rounds and rows,
// against the same raw relay — with the gateway's state in PostgreSQL (one gateway, the store's
// defaults: a pool of 10, `singleInstance`) instead of SQLite. The server is `bench/postgres.ts`'s:
// DATABASE_URL, or a throwaway durable cluster on this machine's disk; the rows' notes say which.
import type { BenchConfig } from './config.ts';
import { benchPostgres } from './postgres.ts';
import { relayRows, runRelay, type RelayPath } from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { startWorld } from './rig.ts';

const POSTGRES: RelayPath = {
  part: 'pg-relay',
  label: 'PostgreSQL ',
  startWorld: async () => startWorld({}, { postgres: await benchPostgres() }),
};

export const pgRelayRows = (c: BenchConfig): RowSpec[] => relayRows(c, POSTGRES);

/** `npm run bench -- pg-relay`. */
export const runPgRelay = (results: Results): Promise<void> => runRelay(results, POSTGRES);
