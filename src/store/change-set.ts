// Checks on a change set that every store adapter makes before writing: a mix-up is a caller bug,
// caught before any SQL runs so the transaction never starts.
import type { ChangeSet } from '../core/ports/store/index.ts';

/** Events and lines of a change must all belong to its handover. */
export function assertBelongs(change: Omit<ChangeSet, 'expectedVersion'>): void {
  const id = change.handover.id;
  for (const event of change.events ?? []) {
    if (event.handoverId !== id) throw new Error(`event ${event.id} does not belong to handover ${id}`);
  }
  for (const entry of change.transcript ?? []) {
    if (entry.handoverId !== id)
      throw new Error(`transcript line ${entry.id} does not belong to handover ${id}`);
  }
}

/** A commit moves a handover exactly one version forward. */
export function assertNextVersion(change: ChangeSet): void {
  if (change.handover.version !== change.expectedVersion + 1) {
    throw new RangeError(`commit of handover ${change.handover.id}: version must be expectedVersion + 1`);
  }
}
