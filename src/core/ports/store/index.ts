// The store port, split by concern: handovers (and the one transactional write), the transcript,
// the event log with its webhook outbox. Adapters: store/sqlite, store/postgres, store/memory — the
// same contract suite (test/store) runs against each.
import type { EventLog } from './event-log.ts';
import type { HandoverRepository } from './handover-repository.ts';
import type { ParkedEventRepository } from './parked-events.ts';
import type { RetentionRepository } from './retention.ts';
import type { TranscriptRepository } from './transcript-repository.ts';

export type * from './event-log.ts';
export type * from './handover-repository.ts';
export type * from './transcript-repository.ts';
export type * from './retention.ts';
export type * from './parked-events.ts';
export {
  DuplicateProviderMessageError,
  LeaseLostError,
  VersionConflictError,
} from './handover-repository.ts';

export interface Store {
  readonly handovers: HandoverRepository;
  readonly transcript: TranscriptRepository;
  readonly events: EventLog;
  readonly retention: RetentionRepository;
  readonly parked: ParkedEventRepository;
  /** Applies migrations (an ordered list) idempotently. */
  migrate(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}
