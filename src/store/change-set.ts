// Checks on a change set that every store adapter makes before writing: a mix-up is a caller bug,
// caught before any SQL runs so the transaction never starts.
import type { Handover } from '../core/model/handover.ts';
import type { ChangeSet } from '../core/ports/store/index.ts';

/** What an update writes of a handover: all but what is fixed at creation (and its id, to find it). */
export type HandoverUpdate = Omit<
  Handover,
  'endpointId' | 'startedBy' | 'customer' | 'settings' | 'createdAt'
>;

/** A commit with only the part of its handover that an update writes (see `slimCommit`). */
export type CommitChange = Omit<ChangeSet, 'handover'> & { readonly handover: HandoverUpdate };

/**
 * The commit without what is fixed at creation: what the SQLite store sends to its writer thread,
 * which gets a copy of everything it is sent (structured clone) — the customer and the routing
 * settings, custom attributes and all, were copied with every message's commit for nothing (issue 12).
 */
export function slimCommit(change: ChangeSet): CommitChange {
  const {
    endpointId: _e,
    startedBy: _s,
    customer: _c,
    settings: _t,
    createdAt: _a,
    ...handover
  } = change.handover;
  return { ...change, handover };
}

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

/**
 * The provider message ids of a change's new transcript lines (the agent's messages as Genesys
 * numbers them): a handover holds each at most once, and the adapters check them before writing.
 */
export function providerMessageIds(change: Pick<ChangeSet, 'transcript'>): string[] {
  const ids: string[] = [];
  for (const entry of change.transcript ?? [])
    if (entry.providerMessageId !== undefined) ids.push(entry.providerMessageId);
  return ids;
}
