// The seeded chaos run (support/chaos.ts) on the embedded SQLite store.
// Reproduce: CHAOS_SEED=<seed> npm test -- test/reliability/chaos-sqlite
import { test } from 'node:test';
import { runChaos } from './support/chaos.ts';

test(
  'chaos on SQLite: every message both ways exactly once and in order, or reported undelivered',
  { timeout: 420_000 },
  () => runChaos({ name: 'sqlite' }),
);
