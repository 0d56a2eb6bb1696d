// Queues, skills, languages and queue members as the Platform API shows them (OM doc §7.3, §7.4),
// derived from the emulator's configured queues and agents. Ids are name-based (ids.ts).
import type { Agent, Presence, Router } from '../routing.ts';
import type { Conversation } from '../model.ts';
import { languageId, queueId, skillId, userIdOfAgent } from './ids.ts';
import { EMULATOR_DIVISION_ID } from './organization.ts';

/** `routingStatus.status` of §7.3 the emulator can be in (NOT_RESPONDING/COMMUNICATING: never). */
export type RoutingStatus = 'OFF_QUEUE' | 'IDLE' | 'INTERACTING';

const DATE_OF_CONFIG = '2026-01-01T00:00:00.000Z';
const division = {
  id: EMULATOR_DIVISION_ID,
  name: 'Home',
  selfUri: `/api/v2/authorization/divisions/${EMULATOR_DIVISION_ID}`,
};

/** Skill and language names as Genesys shows them: the emulator keeps them lower-case. */
export function displayName(normalized: string): string {
  return normalized.replace(
    /(^|[\s-])(\p{L})/gu,
    (_m, sep: string, letter: string) => sep + letter.toUpperCase(),
  );
}

export function routingStatusOf(router: Router, agent: Agent): RoutingStatus {
  if (!router.isOnQueue(agent.key)) return 'OFF_QUEUE';
  return router.load(agent.key) > 0 ? 'INTERACTING' : 'IDLE';
}

export function queueView(router: Router, name: string): Record<string, unknown> {
  const agents = router.agentsOf(name);
  const id = queueId(name);
  return {
    id,
    name,
    division,
    memberCount: agents.length,
    userMemberCount: agents.length,
    joinedMemberCount: agents.length,
    mediaSettings: {
      message: { alertingTimeoutSeconds: 30, serviceLevel: { percentage: 0.8, durationMs: 20000 } },
    },
    skillEvaluationMethod: 'ALL',
    scoringMethod: 'TimestampAndPriority',
    dateCreated: DATE_OF_CONFIG,
    dateModified: DATE_OF_CONFIG,
    selfUri: `/api/v2/routing/queues/${id}`,
  };
}

export function skillView(name: string): Record<string, unknown> {
  return routingEntityView(skillId(name), name, 'skills');
}

export function languageView(name: string): Record<string, unknown> {
  return routingEntityView(languageId(name), name, 'languages');
}

/** A skill and a language look alike in the Platform API (routing/skills, routing/languages). */
function routingEntityView(id: string, name: string, kind: 'skills' | 'languages'): Record<string, unknown> {
  return {
    id,
    name: displayName(name),
    dateModified: DATE_OF_CONFIG,
    state: 'active',
    version: '1',
    selfUri: `/api/v2/routing/${kind}/${id}`,
  };
}

/** Every skill and language some agent has (what the organization defined, as far as the emulator knows). */
export function allSkills(router: Router): string[] {
  return [...new Set(router.agents().flatMap((a) => [...a.skills]))].sort();
}
export function allLanguages(router: Router): string[] {
  return [...new Set(router.agents().flatMap((a) => [...a.languages]))].sort();
}

/** The queue (by name) whose platform id is `id`. */
export function queueNameOf(router: Router, id: string): string | undefined {
  return router.queueNames().find((name) => queueId(name) === id);
}

export interface MemberFilter {
  readonly name?: string | undefined;
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly routingStatus: readonly string[];
  readonly presence: readonly string[];
  readonly joined?: boolean | undefined;
  readonly memberBy?: string | undefined;
}

/** Presence filter values: the label (`On Queue`) or the system presence (`ON_QUEUE`), any case. */
const presenceKey = (value: string): string =>
  value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '');

export function matchesMember(router: Router, agent: Agent, filter: MemberFilter): boolean {
  const contains = (have: Iterable<string>, wanted: string): boolean =>
    [...have].some((h) => h.includes(wanted.trim().toLowerCase()));
  if (filter.memberBy !== undefined && filter.memberBy !== 'user') return false;
  if (filter.joined === false) return false;
  if (filter.name !== undefined && !agent.name.toLowerCase().includes(filter.name.toLowerCase()))
    return false;
  // "contains-style search" on names (§7.3): every requested skill/language must be found.
  if (!filter.skills.every((s) => contains(agent.skills, s))) return false;
  if (!filter.languages.every((l) => contains(agent.languages, l))) return false;
  if (
    filter.routingStatus.length &&
    !filter.routingStatus.some((s) => s.toUpperCase() === routingStatusOf(router, agent))
  )
    return false;
  const presence = router.presenceOf(agent.key).presence;
  if (filter.presence.length && !filter.presence.some((p) => presenceKey(p) === presenceKey(presence)))
    return false;
  return true;
}

/** `QueueMember` (§7.3); `expand` adds presence, skills and languages on the user. */
export function memberView(
  router: Router,
  agent: Agent,
  queueIdValue: string,
  expand: readonly string[],
): Record<string, unknown> {
  const userId = userIdOfAgent(agent.key);
  const { presence, since } = router.presenceOf(agent.key);
  const user: Record<string, unknown> = { id: userId, name: agent.name, selfUri: `/api/v2/users/${userId}` };
  if (expand.includes('presence')) user.presence = presenceView(presence, since);
  if (expand.includes('skills'))
    user.skills = [...agent.skills].map((s) => ({
      id: skillId(s),
      name: displayName(s),
      proficiency: 5,
      state: 'active',
    }));
  if (expand.includes('languages'))
    user.languages = [...agent.languages].map((l) => ({
      id: languageId(l),
      name: displayName(l),
      proficiency: 5,
      state: 'active',
    }));
  return {
    id: userId,
    name: agent.name,
    user,
    ringNumber: 1,
    joined: true,
    memberBy: 'user',
    routingStatus: { userId, status: routingStatusOf(router, agent), startTime: since },
    selfUri: `/api/v2/routing/queues/${queueIdValue}/members/${userId}`,
  };
}

function presenceView(presence: Presence, since: string): Record<string, unknown> {
  return {
    presenceDefinition: {
      systemPresence: presence.toUpperCase().replace(/\s+/g, '_'),
      presenceMessage: presence,
    },
    modifiedDate: since,
  };
}

/** Genesys' media type of an emulated conversation (§7.1/§7.2): guest chats are `chat`, OM `message`. */
export function mediaTypeOf(conversation: Conversation): 'chat' | 'message' {
  return conversation.kind === 'open-messaging' ? 'message' : 'chat';
}
