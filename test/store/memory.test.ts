// The in-memory store passes the same contract as SQLite and PostgreSQL: the core's unit tests run
// on it knowing it behaves like the real thing.
import { runStoreContract } from './store-contract.ts';
import { MemoryStore } from '../../src/store/memory/memory-store.ts';

runStoreContract('memory', () => Promise.resolve(new MemoryStore()));
