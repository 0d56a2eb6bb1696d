// Member id → who it is. Events carry member ids only (protocol §9.2–§9.4); role, name and avatar
// come from GET member (§5.2), cached per conversation. Member-change events update the cached
// state without a request. One directory per conversation (it holds that conversation's JWT).
import type { GuestCredentials } from '../credentials.ts';
import { GenesysAbortedError } from '../errors.ts';
import type { GuestChatRestClient } from '../rest/rest-client.ts';
import { sharedString } from '../../../core/text/shared-string.ts';
import {
  MEMBER_ROLES,
  MEMBER_STATES,
  type MemberInfo,
  type MemberRole,
  type MemberState,
} from '../wire/member.ts';

export interface MemberProfile {
  readonly id: string;
  readonly role: MemberRole;
  readonly displayName: string | undefined;
  readonly avatarImageUrl: string | undefined;
  /** Last known state: from GET member or a later member-change event. */
  readonly state: MemberState | undefined;
}

export interface ResolveOptions {
  readonly signal: AbortSignal;
  /** Fetch even when cached (e.g. to confirm the customer is still CONNECTED after an agent left, §9.6). */
  readonly refresh?: boolean;
}

const NONE: readonly MemberProfile[] = [];

export class MemberDirectory {
  readonly #client: Pick<GuestChatRestClient, 'getMember'>;
  readonly #creds: GuestCredentials;
  /**
   * The members seen, in an exact-size array: a chat has a handful (the guest, an agent or two), and
   * every live chat holds its directory — a Map would cost ~0.2 KiB of hash table each (issue 12).
   */
  #profiles: readonly MemberProfile[] = NONE;
  /** Lookups in flight, while there are any (a live chat holds a directory for its whole life). */
  #inflight: Map<string, Promise<MemberProfile>> | undefined;

  constructor(client: Pick<GuestChatRestClient, 'getMember'>, credentials: GuestCredentials) {
    this.#client = client;
    this.#creds = credentials;
  }

  /** Cached profile, if any; never does I/O. */
  peek(memberId: string): MemberProfile | undefined {
    return this.#profiles.find((p) => p.id === memberId);
  }

  /**
   * The member's profile, from cache or GET member. Concurrent calls for one id share a request;
   * if that request was aborted by another caller's signal, this caller retries with its own.
   */
  async resolve(memberId: string, options: ResolveOptions): Promise<MemberProfile> {
    if (!options.refresh) {
      const cached = this.peek(memberId);
      if (cached) return cached;
    }
    const pending = this.#inflight?.get(memberId);
    if (pending) {
      try {
        return await pending;
      } catch (err) {
        if (!(err instanceof GenesysAbortedError) || options.signal.aborted) throw err;
      }
    }
    return this.#fetch(memberId, options.signal);
  }

  /** Applies a member-change event to the cache (no-op for unknown members). */
  noteState(memberId: string, state: MemberState): void {
    const cached = this.peek(memberId);
    if (cached) this.#store({ ...cached, state: shared(MEMBER_STATES, state) });
  }

  /** Seeds the cache from a list-members page (§5.3). */
  remember(info: MemberInfo): MemberProfile {
    const profile = toProfile(info, this.#creds);
    this.#store(profile);
    return profile;
  }

  /** Replaces the member's profile, or adds it (copies: the arrays stay exact-size). */
  #store(profile: MemberProfile): void {
    const at = this.#profiles.findIndex((p) => p.id === profile.id);
    this.#profiles =
      at < 0 ? [...this.#profiles, profile] : this.#profiles.map((p, i) => (i === at ? profile : p));
  }

  async #fetch(memberId: string, signal: AbortSignal): Promise<MemberProfile> {
    const request = this.#client
      .getMember(this.#creds, memberId, { signal })
      .then((info) => this.remember(info))
      .finally(() => {
        if (this.#inflight?.get(memberId) !== request) return;
        this.#inflight.delete(memberId);
        // Dropped once empty: a live chat looks members up now and then, and holds none meanwhile.
        if (this.#inflight.size === 0) this.#inflight = undefined;
      });
    (this.#inflight ??= new Map()).set(memberId, request);
    return request;
  }
}

/**
 * A profile holds the code's own strings where it can: the role and state constants, the guest's
 * id as the session holds it, and an agent's name and avatar as one copy for all of that agent's
 * chats (shared-string.ts) — a parsed frame or answer gives each its own copy, and every live chat
 * keeps its profiles for its whole life (issue 12, heap per handover).
 */
function toProfile(info: MemberInfo, creds: GuestCredentials): MemberProfile {
  return {
    id: info.id === creds.memberId ? creds.memberId : info.id,
    role: shared(MEMBER_ROLES, info.role),
    displayName: info.displayName === undefined ? undefined : sharedString(info.displayName),
    avatarImageUrl: info.avatarImageUrl === undefined ? undefined : sharedString(info.avatarImageUrl),
    state: info.state === undefined ? undefined : shared(MEMBER_STATES, info.state),
  };
}

/** The constant equal to `value` (the same string, not a copy of it). */
function shared<T extends string>(constants: readonly T[], value: T): T {
  return constants.find((c) => c === value) ?? value;
}
