// The Store contract, written against the port only so every adapter (SQLite today,
// PostgreSQL next) runs the same suite. `makeStore` must return a migrated store over an EMPTY
// database; the suite closes every store it gets.
import { describe } from 'node:test';
import type { Store } from '../../src/core/ports/store/index.ts';
import { commitContract } from './contract/commit.ts';
import { createContract } from './contract/create.ts';
import { eventsContract } from './contract/events.ts';
import { groupCommitContract } from './contract/group-commit.ts';
import { listingContract } from './contract/listing.ts';
import { nastyStringsContract } from './contract/nasty-strings.ts';
import { parkedEventsContract } from './contract/parked-events.ts';
import { retentionContract } from './contract/retention.ts';
import { outboxContract } from './contract/outbox.ts';
import { transcriptContract } from './contract/transcript.ts';

export type StoreFactory = () => Promise<Store>;

export function runStoreContract(name: string, makeStore: StoreFactory): void {
  void describe(`Store contract: ${name}`, () => {
    createContract(makeStore);
    commitContract(makeStore);
    listingContract(makeStore);
    transcriptContract(makeStore);
    eventsContract(makeStore);
    outboxContract(makeStore);
    groupCommitContract(makeStore);
    nastyStringsContract(makeStore);
    retentionContract(makeStore);
    parkedEventsContract(makeStore);
  });
}
