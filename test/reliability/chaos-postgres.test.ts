// The seeded chaos run (support/chaos.ts) on PostgreSQL: the gateway child process stores into a
// fresh schema of the throwaway cluster `npm test` starts (DATABASE_URL).
// Reproduce: CHAOS_SEED=<seed> npm test -- test/reliability/chaos-postgres
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { runChaos } from './support/chaos.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: run with `npm test` (it starts a throwaway PostgreSQL)');

test(
  'chaos on PostgreSQL: every message both ways exactly once and in order, or reported undelivered',
  { timeout: 420_000 },
  () =>
    runChaos({
      name: 'postgres',
      store: { kind: 'postgres', url, schema: `chaos_${randomBytes(4).toString('hex')}`, poolSize: 10 },
    }),
);
