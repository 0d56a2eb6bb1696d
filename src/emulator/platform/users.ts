// The emulated agents as Genesys users (OM doc §4.6: participants[purpose=agent].user.id →
// GET /api/v2/users/{id} for the agent's name and images). Ids are name-based (platform/ids.ts), so
// configured agents keep their user id across runs; ad-hoc agents are found in the conversations.
import { AGENT_PREFIX } from '../http/paths.ts';
import type { Router } from '../routing.ts';
import type { ConversationStore } from '../store.ts';
import { userIdOfAgent } from './ids.ts';

export interface EmulatedUser {
  readonly id: string;
  readonly name: string;
  readonly imageUri: string;
}

export class UserDirectory {
  readonly #router: Router;
  readonly #store: ConversationStore;
  readonly #baseUrl: () => string;

  constructor(router: Router, store: ConversationStore, baseUrl: () => string) {
    this.#router = router;
    this.#store = store;
    this.#baseUrl = baseUrl;
  }

  find(userId: string): EmulatedUser | undefined {
    for (const agent of this.#router.agents()) {
      if (userIdOfAgent(agent.key) === userId) {
        return {
          id: userId,
          name: agent.name,
          imageUri:
            agent.avatarImageUrl ?? `${this.#baseUrl()}${AGENT_PREFIX}/avatars/${agent.avatarSlug}.svg`,
        };
      }
    }
    for (const conversation of this.#store.list()) {
      for (const member of conversation.members) {
        if (member.agentKey !== undefined && userIdOfAgent(member.agentKey) === userId) {
          return { id: userId, name: member.displayName ?? 'Agent', imageUri: member.avatarImageUrl ?? '' };
        }
      }
    }
    return undefined;
  }
}

/** SDK `User` (the fields a gateway reads: name and images; images in Genesys' usual resolutions). */
export function userView(user: EmulatedUser, divisionId: string): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    division: { id: divisionId, name: 'Home', selfUri: `/api/v2/authorization/divisions/${divisionId}` },
    state: 'active',
    ...(user.imageUri !== ''
      ? {
          images: ['x48', 'x96', 'x128', 'x200', 'x300', 'x400'].map((resolution) => ({
            resolution,
            imageUri: user.imageUri,
          })),
        }
      : {}),
    version: 1,
    selfUri: `/api/v2/users/${user.id}`,
  };
}
