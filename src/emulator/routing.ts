// Queue routing (the "ACD"). Deliberately simple but real:
// - eligibility: an agent of the chat's queue who has every requested skill and, if a language was
//   requested, speaks it (§6.2 skills/language; compared case-insensitively, languages loosely);
// - choice: among eligible agents with free capacity, the least loaded one (ties: configuration order);
// - waiting order: highest `priority` first, then oldest first — so when agents are busy a higher
//   priority chat is served first (§6.2 priority).
// Load counts the chats where the agent is ALERTING or CONNECTED.
import { normalizeLanguage, normalizeSkill, type QueueConfig } from './queues.ts';
import type { Conversation } from './model.ts';

export interface Agent {
  /** Stable identity; one person may serve several queues and has one load counter. */
  readonly key: string;
  readonly name: string;
  readonly queues: readonly string[];
  readonly skills: ReadonlySet<string>;
  readonly languages: ReadonlySet<string>;
  readonly avatarImageUrl: string | undefined;
  readonly avatarSlug: string;
  readonly capacity: number;
}

/**
 * An agent's presence (OM doc §7.3 `presence` filter): only `On Queue` agents are routed chats;
 * the rest are OFF_QUEUE whatever their label says.
 */
export const PRESENCES = ['On Queue', 'Available', 'Away', 'Busy', 'Break', 'Meal', 'Offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export class Router {
  readonly #queues = new Map<string, Agent[]>();
  readonly #agents = new Map<string, Agent>();
  readonly #load = new Map<string, number>();
  readonly #presence = new Map<string, { presence: Presence; since: string }>();

  constructor(queues: readonly QueueConfig[], defaultCapacity: number) {
    for (const queue of queues) {
      const members: Agent[] = [];
      for (const config of queue.agents) {
        const key = config.name.trim().toLowerCase();
        const existing = this.#agents.get(key);
        const agent: Agent = existing
          ? { ...existing, queues: [...existing.queues, queue.name] }
          : {
              key,
              name: config.name,
              queues: [queue.name],
              skills: new Set((config.skills ?? []).map(normalizeSkill)),
              languages: new Set((config.languages ?? []).map(normalizeLanguage)),
              avatarImageUrl: config.avatarImageUrl,
              avatarSlug: slugify(config.name),
              capacity: config.capacity ?? defaultCapacity,
            };
        this.#agents.set(key, agent);
        members.push(agent);
      }
      this.#queues.set(queue.name, members);
    }
    // Re-point queue lists at the final records (an agent listed in several queues was replaced above).
    for (const [name, members] of this.#queues) {
      this.#queues.set(
        name,
        members.map((a) => this.#agents.get(a.key) ?? a),
      );
    }
  }

  hasQueue(name: string): boolean {
    return this.#queues.has(name);
  }

  queueNames(): string[] {
    return [...this.#queues.keys()];
  }

  agentsOf(queue: string): readonly Agent[] {
    return this.#queues.get(queue) ?? [];
  }

  /** Every configured agent once, in configuration order. */
  agents(): readonly Agent[] {
    return [...this.#agents.values()];
  }

  agentByName(name: string): Agent | undefined {
    return this.#agents.get(name.trim().toLowerCase());
  }

  agentBySlug(slug: string): Agent | undefined {
    return [...this.#agents.values()].find((a) => a.avatarSlug === slug);
  }

  /** Agents start On Queue unless configured otherwise. */
  presenceOf(agentKey: string): { presence: Presence; since: string } {
    return this.#presence.get(agentKey) ?? { presence: 'On Queue', since: this.#startedAt };
  }

  setPresence(agentKey: string, presence: Presence, at: string): void {
    if (this.presenceOf(agentKey).presence !== presence)
      this.#presence.set(agentKey, { presence, since: at });
  }

  isOnQueue(agentKey: string): boolean {
    return this.presenceOf(agentKey).presence === 'On Queue';
  }

  readonly #startedAt = new Date().toISOString();

  load(agentKey: string): number {
    return this.#load.get(agentKey) ?? 0;
  }

  isEligible(agent: Agent, conversation: Conversation): boolean {
    const routing = conversation.routing;
    if (!agent.queues.includes(routing.queue)) return false;
    if (!routing.skills.every((s) => agent.skills.has(normalizeSkill(s)))) return false;
    if (routing.language !== undefined && !agent.languages.has(normalizeLanguage(routing.language)))
      return false;
    return true;
  }

  /** The best eligible agent with free capacity, or undefined when all eligible agents are busy (or none exists). */
  pick(conversation: Conversation, excludeKeys: ReadonlySet<string> = new Set()): Agent | undefined {
    let best: Agent | undefined;
    for (const agent of this.agentsOf(conversation.routing.queue)) {
      if (excludeKeys.has(agent.key) || !this.isEligible(agent, conversation)) continue;
      if (!this.isOnQueue(agent.key)) continue;
      if (this.load(agent.key) >= agent.capacity) continue;
      if (!best || this.load(agent.key) < this.load(best.key)) best = agent;
    }
    return best;
  }

  reserve(agentKey: string): void {
    this.#load.set(agentKey, this.load(agentKey) + 1);
  }

  release(agentKey: string): void {
    const next = this.load(agentKey) - 1;
    if (next > 0) this.#load.set(agentKey, next);
    else this.#load.delete(agentKey);
  }
}

/** Waiting order: priority descending, then queued time ascending. */
export function byRoutingOrder(a: Conversation, b: Conversation): number {
  if (a.routing.priority !== b.routing.priority) return b.routing.priority - a.routing.priority;
  return (a.queuedAt ?? 0) - (b.queuedAt ?? 0);
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || 'agent';
}
