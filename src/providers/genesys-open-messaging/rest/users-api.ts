// `GET /api/v2/users/{userId}`: the agent's name and pictures. The webhook names the integration,
// never the agent (§4.1, §4.6); the agent's user id comes from the conversation's agent participant.
import { UserSchema, type User } from '../wire/user.ts';
import type { ApiTransport } from './api-transport.ts';
import { seg, type CallOptions } from './call-options.ts';

export interface AgentProfile {
  readonly userId: string;
  /** `preferredName`, else `name`. */
  readonly displayName: string | undefined;
  /** The largest image Genesys lists, when any. */
  readonly imageUrl: string | undefined;
}

export class UsersApi {
  readonly #transport: ApiTransport;

  constructor(transport: ApiTransport) {
    this.#transport = transport;
  }

  getUser(userId: string, options: CallOptions & { readonly expand?: readonly string[] }): Promise<User> {
    const { expand, ...call } = options;
    return this.#transport.call({
      operation: 'getUser',
      method: 'GET',
      path: `/api/v2/users/${seg(userId)}`,
      query: { expand: expand === undefined || expand.length === 0 ? undefined : expand.join(',') },
      schema: UserSchema,
      ...call,
    });
  }

  async getAgentProfile(userId: string, options: CallOptions): Promise<AgentProfile> {
    const user = await this.getUser(userId, options);
    return { userId: user.id, displayName: user.preferredName ?? user.name, imageUrl: pickImage(user) };
  }
}

// Images carry a resolution such as "x96", "x200", "x300" or "x400"; take the largest.
function pickImage(user: User): string | undefined {
  let best: { size: number; uri: string } | undefined;
  for (const image of user.images) {
    if (image.imageUri === undefined) continue;
    const size = Number(/\d+/.exec(image.resolution ?? '')?.[0] ?? 0);
    if (best === undefined || size > best.size) best = { size, uri: image.imageUri };
  }
  return best?.uri;
}
