// Queue observations (OM doc §7.2): real-time counts of a queue's users and conversations.
// Filters allow only the `queueId` and `mediaType` dimensions (unchanged since 2019); user metrics
// are grouped by `{queueId}`, conversation metrics by `{queueId, mediaType}` [I]; `oOnQueueUsers`
// carries the routing status as `qualifier`; `oWaiting` details carry the requested skills,
// language and priority, oldest first.
import { z } from 'zod';
import type { Conversation } from '../model.ts';
import type { Router } from '../routing.ts';
import { normalizeLanguage } from '../queues.ts';
import { languageId, queueId, skillId } from './ids.ts';
import { mediaTypeOf, routingStatusOf } from './routing-directory.ts';

const USER_METRICS = [
  'oActiveUsers',
  'oMemberUsers',
  'oOffQueueUsers',
  'oOnQueueUsers',
  'oUserPresences',
  'oUserRoutingStatuses',
] as const;
const CONVERSATION_METRICS = [
  'oAlerting',
  'oInteracting',
  'oLongestInteracting',
  'oLongestWaiting',
  'oWaiting',
] as const;
const METRICS = [...USER_METRICS, ...CONVERSATION_METRICS] as const;
type Metric = (typeof METRICS)[number];

const predicate = z.object({
  type: z.enum(['dimension', 'property', 'metric']).optional(),
  dimension: z.string().optional(),
  operator: z.enum(['matches', 'exists', 'notExists']).optional(),
  value: z.string().optional(),
});
const clause = z.object({ type: z.enum(['and', 'or']), predicates: z.array(predicate).min(1) });

export const observationQuerySchema = z.object({
  filter: z.object({
    type: z.enum(['and', 'or']),
    clauses: z.array(clause).optional(),
    predicates: z.array(predicate).optional(),
  }),
  metrics: z.array(z.enum(METRICS)).min(1),
  detailMetrics: z.array(z.enum(METRICS)).optional(),
});
type ObservationQuery = z.infer<typeof observationQuerySchema>;

/** The first dimension outside the whitelist, or a detail metric that cannot have details. */
export function queryProblem(query: ObservationQuery): { field: string; message: string } | undefined {
  const predicates = [
    ...(query.filter.predicates ?? []),
    ...(query.filter.clauses ?? []).flatMap((c) => c.predicates),
  ];
  for (const p of predicates) {
    if ((p.type ?? 'dimension') !== 'dimension')
      return {
        field: 'filter.predicates.type',
        message: `type ${p.type} is not supported for queue observations`,
      };
    if (p.dimension !== 'queueId' && p.dimension !== 'mediaType')
      return {
        field: 'filter.predicates.dimension',
        message: `dimension ${p.dimension ?? '(none)'} is not one of queueId, mediaType`,
      };
  }
  for (const m of query.detailMetrics ?? []) {
    if (m === 'oLongestWaiting' || m === 'oLongestInteracting')
      return { field: 'detailMetrics', message: `${m} has no detail observations` };
  }
  return undefined;
}

export interface ObservationSources {
  readonly router: Router;
  /** Every live (not ended) conversation. */
  readonly conversations: readonly Conversation[];
  readonly nowMs: number;
}

export function observeQueues(query: ObservationQuery, sources: ObservationSources): Record<string, unknown> {
  const predicates = [
    ...(query.filter.predicates ?? []),
    ...(query.filter.clauses ?? []).flatMap((c) => c.predicates),
  ];
  const wanted = (dimension: string): string[] =>
    predicates.filter((p) => p.dimension === dimension && p.value !== undefined).map((p) => p.value ?? '');
  const { router } = sources;
  const queueIds = wanted('queueId');
  const queues = router
    .queueNames()
    .filter((name) => queueIds.length === 0 || queueIds.includes(queueId(name)));
  const mediaTypes = wanted('mediaType').map((m) => m.toLowerCase());
  const details = new Set(query.detailMetrics ?? []);
  const userMetrics = query.metrics.filter((m) => (USER_METRICS as readonly string[]).includes(m));
  const conversationMetrics = query.metrics.filter((m) =>
    (CONVERSATION_METRICS as readonly string[]).includes(m),
  );
  const results: Record<string, unknown>[] = [];
  for (const name of queues) {
    const id = queueId(name);
    if (userMetrics.length)
      results.push({ group: { queueId: id }, data: userMetrics.flatMap((m) => userData(m, router, name)) });
    if (!conversationMetrics.length) continue;
    for (const mediaType of mediaTypes.length ? mediaTypes : ['chat', 'message']) {
      const mine = sources.conversations.filter(
        (c) => c.routing.queue === name && mediaTypeOf(c) === mediaType,
      );
      results.push({
        group: { queueId: id, mediaType },
        data: conversationMetrics.map((m) => conversationData(m, mine, details.has(m), sources.nowMs)),
      });
    }
  }
  return { results };
}

function userData(metric: Metric, router: Router, queue: string): Record<string, unknown>[] {
  const agents = router.agentsOf(queue);
  const statuses = agents.map((a) => routingStatusOf(router, a));
  const onQueue = statuses.filter((s) => s !== 'OFF_QUEUE');
  const count = (n: number) => ({ count: n });
  switch (metric) {
    case 'oOnQueueUsers':
      // One entry per routing status present (qualifier = status, §7.2).
      return (['IDLE', 'INTERACTING'] as const)
        .map((status) => ({ status, n: onQueue.filter((s) => s === status).length }))
        .filter((e) => e.n > 0)
        .map((e) => ({ metric, qualifier: e.status, stats: count(e.n) }));
    case 'oOffQueueUsers':
      return [{ metric, stats: count(statuses.length - onQueue.length) }];
    case 'oMemberUsers':
      return [{ metric, stats: count(agents.length) }];
    case 'oActiveUsers':
      return [{ metric, stats: count(onQueue.length) }];
    case 'oUserPresences':
      return groupCount(
        agents.map((a) => router.presenceOf(a.key).presence.toUpperCase().replace(/\s+/g, '_')),
      ).map(([q, n]) => ({ metric, qualifier: q, stats: count(n) }));
    default:
      return groupCount(statuses).map(([q, n]) => ({ metric, qualifier: q, stats: count(n) }));
  }
}

function conversationData(
  metric: Metric,
  conversations: readonly Conversation[],
  withDetails: boolean,
  nowMs: number,
): Record<string, unknown> {
  const waiting = conversations
    .filter((c) => c.phase === 'queued' || c.phase === 'alerting')
    .sort((a, b) => Date.parse(a.queuedSince ?? a.createdAt) - Date.parse(b.queuedSince ?? b.createdAt));
  const set =
    metric === 'oWaiting' || metric === 'oLongestWaiting'
      ? waiting
      : metric === 'oAlerting'
        ? conversations.filter((c) => c.phase === 'alerting')
        : conversations.filter((c) => c.phase === 'connected');
  if (metric === 'oLongestWaiting' || metric === 'oLongestInteracting') {
    const oldest = set[0];
    const since = oldest ? Date.parse(oldest.queuedSince ?? oldest.createdAt) : undefined;
    return {
      metric,
      stats: { count: set.length, ...(since !== undefined ? { calculatedMetricValue: nowMs - since } : {}) },
    };
  }
  return {
    metric,
    stats: { count: set.length },
    ...(withDetails ? { truncated: false, observations: set.map(observation) } : {}),
  };
}

function observation(c: Conversation): Record<string, unknown> {
  return {
    observationDate: c.queuedSince ?? c.createdAt,
    conversationId: c.id,
    sessionId: c.id,
    requestedRoutingSkillIds: c.routing.skills.map(skillId),
    ...(c.routing.language !== undefined
      ? { requestedLanguageId: languageId(normalizeLanguage(c.routing.language)) }
      : {}),
    routingPriority: c.routing.priority,
    direction: 'inbound',
  };
}

function groupCount(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts];
}
