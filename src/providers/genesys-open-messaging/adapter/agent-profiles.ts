// Agents as the core's participants: the Genesys participant id (what the core keys an agent on),
// the name and picture from the users API (§4.6: `participants[purpose=agent].user.id` →
// `GET /api/v2/users/{id}`), cached per user id — every handover of an agent shares one lookup, and
// lookups count against the per-token rate limit (§1.4). A failed lookup is not fatal: the
// participant's own `name` stands in, and only permanent failures are remembered.
import type { Logger } from '../../../core/ports/logger.ts';
import type { Participant } from '../../../core/ports/provider.ts';
import { OpenMessagingError } from '../errors.ts';
import type { AgentProfile, UsersApi } from '../rest/users-api.ts';
import type { GenesysParticipant } from './participants.ts';

/** Users remembered; the oldest is forgotten first (an org's agents, not its customers). */
const MAX_PROFILES = 2_000;

type Profile = Pick<AgentProfile, 'displayName' | 'imageUrl'>;

export class AgentProfiles {
  readonly #users: Pick<UsersApi, 'getAgentProfile'>;
  readonly #logger: Logger;
  readonly #profiles = new Map<string, Profile>();
  /** Lookups in flight: events of several conversations about one agent share one call. */
  readonly #pending = new Map<string, Promise<Profile | undefined>>();

  constructor(users: Pick<UsersApi, 'getAgentProfile'>, logger: Logger) {
    this.#users = users;
    this.#logger = logger;
  }

  async participant(p: GenesysParticipant, signal: AbortSignal): Promise<Participant> {
    const profile = p.user === undefined ? undefined : await this.#profile(p.user.id, signal);
    const displayName = profile?.displayName ?? p.user?.name ?? p.name;
    const avatarUrl = profile?.imageUrl;
    return {
      id: p.id,
      role: 'agent',
      ...(displayName === undefined ? {} : { displayName }),
      ...(avatarUrl === undefined ? {} : { avatarUrl }),
    };
  }

  #profile(userId: string, signal: AbortSignal): Promise<Profile | undefined> {
    const known = this.#profiles.get(userId);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.#pending.get(userId);
    if (pending === undefined) {
      pending = this.#lookUp(userId, signal).finally(() => this.#pending.delete(userId));
      this.#pending.set(userId, pending);
    }
    return pending;
  }

  /** Never rejects: a failed lookup is logged and answers nothing. */
  async #lookUp(userId: string, signal: AbortSignal): Promise<Profile | undefined> {
    try {
      const { displayName, imageUrl } = await this.#users.getAgentProfile(userId, { signal });
      this.#remember(userId, { displayName, imageUrl });
      return { displayName, imageUrl };
    } catch (err) {
      const code = err instanceof OpenMessagingError ? err.code : 'unknown';
      this.#logger.warn({ code }, 'agent profile lookup failed; using the participant name');
      // A refusal (e.g. a missing users permission) will not change: do not ask again for this user.
      if (err instanceof OpenMessagingError && err.isPermanent)
        this.#remember(userId, { displayName: undefined, imageUrl: undefined });
      return undefined;
    }
  }

  #remember(userId: string, profile: Profile): void {
    this.#profiles.set(userId, profile);
    if (this.#profiles.size > MAX_PROFILES) {
      const oldest = this.#profiles.keys().next();
      if (oldest.done !== true) this.#profiles.delete(oldest.value);
    }
  }
}
