// Idempotent member-state bookkeeping. Genesys repeats member-change events with an unchanged state
// (an agent switching between chats, protocol §7.2) and does not guarantee ordering (§9.6): the
// stream passes every event through, and this pure helper says which ones change anything.
import type { MemberState } from '../wire/member.ts';

export interface MemberStateUpdate {
  /** True when the state differs from the last one recorded for this member. */
  readonly changed: boolean;
  /** True when the event is older than the last applied one for this member (ignored). */
  readonly stale: boolean;
  readonly previous: MemberState | undefined;
  readonly current: MemberState;
}

export class MemberStateTracker {
  readonly #states = new Map<string, { state: MemberState; at: number | undefined }>();

  /**
   * Records `state` for `memberId`. `timestamp` (ISO-8601, as in events) is optional; when both the
   * new and the recorded update have one, an older update is reported `stale` and not applied.
   */
  apply(memberId: string, state: MemberState, timestamp?: string): MemberStateUpdate {
    const prior = this.#states.get(memberId);
    const at = timestamp === undefined ? undefined : Date.parse(timestamp);
    const atMs = at === undefined || Number.isNaN(at) ? undefined : at;
    if (prior?.at !== undefined && atMs !== undefined && atMs < prior.at) {
      return { changed: false, stale: true, previous: prior.state, current: prior.state };
    }
    this.#states.set(memberId, { state, at: atMs ?? prior?.at });
    return { changed: prior?.state !== state, stale: false, previous: prior?.state, current: state };
  }

  get(memberId: string): MemberState | undefined {
    return this.#states.get(memberId)?.state;
  }

  /** Member ids currently in `state`. */
  membersIn(state: MemberState): string[] {
    return [...this.#states].filter(([, v]) => v.state === state).map(([id]) => id);
  }
}
