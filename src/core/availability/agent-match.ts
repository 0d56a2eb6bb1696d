// Which queue members could take a handover that asks for a language and skills. Names compare
// case-insensitively (Genesys skills and languages are named things, OM doc §7.3/§7.4). "Available"
// is an approximation (§7.3): on queue and IDLE, or INTERACTING (messaging agents handle several
// conversations; utilisation is not readable) — Genesys' own routing may still differ.
import type { AvailabilityQuery, QueueMemberFact } from './model.ts';

export interface AgentCounts {
  readonly onQueue: number;
  readonly idle: number;
  readonly interacting: number;
}

const norm = (s: string): string => s.trim().toLowerCase();

export function countMatchingAgents(
  members: readonly QueueMemberFact[],
  query: AvailabilityQuery,
): AgentCounts {
  const skills = (query.skills ?? []).map(norm);
  const language = query.language === undefined ? undefined : norm(query.language);
  let onQueue = 0;
  let idle = 0;
  let interacting = 0;
  for (const m of members) {
    const status = m.routingStatus.toUpperCase();
    if (status === 'OFF_QUEUE') continue;
    const has = new Set(m.skills.map(norm));
    if (!skills.every((s) => has.has(s))) continue;
    if (language !== undefined && !m.languages.some((l) => norm(l) === language)) continue;
    onQueue++;
    if (status === 'IDLE') idle++;
    if (status === 'INTERACTING') interacting++;
  }
  return { onQueue, idle, interacting };
}
