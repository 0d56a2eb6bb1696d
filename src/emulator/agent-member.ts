// Picking the agent member that is offered a chat: a named agent (configured, or ad hoc with a
// generated avatar) or whoever routing picks; its capacity is reserved right away.
import { randomUUID } from 'node:crypto';
import type { AgentChoice } from './chat-types.ts';
import { EmulatorApiError } from './errors.ts';
import type { Conversation, Member } from './model.ts';
import { slugify, type Router } from './routing.ts';

export interface AgentDirectory {
  readonly router: Router;
  /** URL of the generated avatar for an agent slug (the emulator serves it itself). */
  readonly avatarUrl: (slug: string) => string;
}

/** A new ALERTING agent member; `exclude` holds agent keys that may not be picked (transfer source). */
export function newAgentMember(
  directory: AgentDirectory,
  conversation: Conversation,
  choice: AgentChoice,
  exclude: ReadonlySet<string>,
): Member {
  const { router, avatarUrl } = directory;
  const name = choice.displayName?.trim();
  let key: string;
  let displayName: string;
  let avatarImageUrl: string;
  if (name) {
    const configured = router.agentByName(name);
    key = configured?.key ?? `adhoc:${name.toLowerCase()}`;
    displayName = configured?.name ?? name;
    avatarImageUrl = configured?.avatarImageUrl ?? avatarUrl(configured?.avatarSlug ?? slugify(name));
    if (exclude.has(key)) {
      throw new EmulatorApiError(409, 'same_agent', `${displayName} is already handling this chat.`);
    }
  } else {
    const picked = router.pick(conversation, exclude);
    if (!picked) {
      throw new EmulatorApiError(
        409,
        'no_agent_available',
        `No agent of queue "${conversation.routing.queue}" with the requested skills/language has free capacity.`,
      );
    }
    key = picked.key;
    displayName = picked.name;
    avatarImageUrl = picked.avatarImageUrl ?? avatarUrl(picked.avatarSlug);
  }
  router.reserve(key);
  return {
    id: randomUUID(),
    role: 'AGENT',
    state: 'ALERTING',
    displayName,
    avatarImageUrl,
    joinDate: new Date().toISOString(),
    agentKey: key,
  };
}
