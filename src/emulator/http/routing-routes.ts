// Routing reads of the Platform API (OM doc §7.1, §7.3, §7.4): queues, skills, languages, queue
// members with their filters, and both estimated-wait-time paths. Array filters arrive comma-joined
// (what the JS SDK sends) or as repeated keys; both are accepted (§7.3).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { queueId } from '../platform/ids.ts';
import { pageOf } from '../platform/listing.ts';
import { platformErrors } from '../platform/errors.ts';
import {
  allLanguages,
  allSkills,
  languageView,
  matchesMember,
  memberView,
  queueNameOf,
  queueView,
  skillView,
} from '../platform/routing-directory.ts';
import { estimateWait, waitingIn } from '../platform/wait-estimates.ts';
import { absent, boolParam, intParam, parseQuery, stringParam } from './query-params.ts';

/** A list filter: comma-joined, repeated, or both; empty values are absent (§13.4 SDK quirk). */
const listParam = z.preprocess(
  (v) =>
    [v ?? []]
      .flat()
      .flatMap((s) => (typeof s === 'string' ? s.split(',') : []))
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  z.array(z.string()),
);

const paging = { pageSize: intParam(1, 500), pageNumber: intParam(1, 100_000) };

const queuesQuery = z.object({
  ...paging,
  name: stringParam,
  id: listParam,
  divisionId: listParam,
  sortOrder: stringParam,
});
const skillsQuery = z.object({ ...paging, name: stringParam, id: listParam });
const languagesQuery = z.object({ ...paging, name: stringParam, id: listParam, sortOrder: stringParam });
const membersQuery = z.object({
  pageSize: intParam(1, 100),
  pageNumber: intParam(1, 100_000),
  sortOrder: stringParam,
  expand: listParam,
  name: stringParam,
  profileSkills: listParam,
  skills: listParam,
  languages: listParam,
  routingStatus: listParam,
  presence: listParam,
  memberBy: z.preprocess(absent, z.enum(['user', 'group']).optional()),
  joined: boolParam,
});
const MEDIA_TYPES = ['all', 'call', 'chat', 'callback', 'email', 'videoComm', 'message'] as const;
const ewtQuery = z.object({ labelId: stringParam });
const conversationEwtQuery = z.object({ conversationId: stringParam });

/** `name` of §7.4 queues: exact, with `*` as a leading/trailing wildcard. */
function nameMatches(pattern: string, name: string): boolean {
  const lower = name.toLowerCase();
  const core = pattern.toLowerCase().replace(/^\*|\*$/g, '');
  const starts = pattern.endsWith('*');
  const ends = pattern.startsWith('*');
  if (starts && ends) return lower.includes(core);
  if (starts) return lower.startsWith(core);
  if (ends) return lower.endsWith(core);
  return lower === core;
}

export function registerRoutingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const queueNamed = (id: string): string => {
    const name = queueNameOf(ctx.router, id);
    if (name === undefined) throw platformErrors.notFound('Queue', id);
    return name;
  };

  app.get('/api/v2/routing/queues', (request) => {
    const q = parseQuery(queuesQuery, request.query);
    const names = ctx.router
      .queueNames()
      .filter((n) => q.name === undefined || nameMatches(q.name, n))
      .filter((n) => q.id.length === 0 || q.id.includes(queueId(n)))
      .sort((a, b) => (q.sortOrder?.toLowerCase() === 'desc' ? b.localeCompare(a) : a.localeCompare(b)));
    return pageOf(
      names.map((n) => queueView(ctx.router, n)),
      {
        pageSize: q.pageSize ?? 25,
        pageNumber: q.pageNumber ?? 1,
        basePath: '/api/v2/routing/queues',
      },
    );
  });

  app.get<{ Params: { queueId: string } }>('/api/v2/routing/queues/:queueId', (request) =>
    queueView(ctx.router, queueNamed(request.params.queueId)),
  );

  app.get<{ Params: { queueId: string } }>('/api/v2/routing/queues/:queueId/members', (request) => {
    const q = parseQuery(membersQuery, request.query);
    const id = request.params.queueId;
    const members = ctx.router
      .agentsOf(queueNamed(id))
      .filter((a) =>
        q.profileSkills.every((s) => [...a.skills].some((have) => have.includes(s.toLowerCase()))),
      )
      .filter((a) => matchesMember(ctx.router, a, q))
      .sort((a, b) =>
        q.sortOrder?.toLowerCase() === 'desc' ? b.name.localeCompare(a.name) : a.name.localeCompare(b.name),
      )
      .map((a) => memberView(ctx.router, a, id, q.expand));
    // QueueMemberEntityListing has no `total` (§7.3).
    const {
      total: _total,
      pageCount: _pageCount,
      lastUri: _lastUri,
      ...page
    } = pageOf(members, {
      pageSize: q.pageSize ?? 25,
      pageNumber: q.pageNumber ?? 1,
      basePath: `/api/v2/routing/queues/${id}/members`,
    });
    return page;
  });

  app.get('/api/v2/routing/skills', (request) => {
    const q = parseQuery(skillsQuery, request.query);
    const skills = allSkills(ctx.router)
      .map(skillView)
      .filter((s) => q.name === undefined || String(s.name).toLowerCase().startsWith(q.name.toLowerCase()))
      .filter((s) => q.id.length === 0 || q.id.includes(String(s.id)));
    return pageOf(skills, {
      pageSize: q.pageSize ?? 25,
      pageNumber: q.pageNumber ?? 1,
      basePath: '/api/v2/routing/skills',
    });
  });

  app.get('/api/v2/routing/languages', (request) => {
    const q = parseQuery(languagesQuery, request.query);
    const languages = allLanguages(ctx.router)
      .map(languageView)
      .filter((l) => q.name === undefined || String(l.name).toLowerCase().startsWith(q.name.toLowerCase()))
      .filter((l) => q.id.length === 0 || q.id.includes(String(l.id)));
    if (q.sortOrder?.toLowerCase() === 'desc') languages.reverse();
    return pageOf(languages, {
      pageSize: q.pageSize ?? 25,
      pageNumber: q.pageNumber ?? 1,
      basePath: '/api/v2/routing/languages',
    });
  });

  const estimate = (queue: string, mediaType: string, position: number | undefined) => {
    const waiting = waitingIn(ctx.chat.waiting(), queue, mediaType);
    const result = estimateWait(
      ctx.router,
      queue,
      waiting,
      position ?? waiting.length,
      ctx.waitEstimates,
      Date.now(),
    );
    if ('unavailable' in result)
      throw platformErrors.notFound('EstimatedWaitTime', `for queue ${queueId(queue)} (no agent on queue)`);
    return result.seconds;
  };

  app.get<{ Params: { queueId: string; mediaType: string } }>(
    '/api/v2/routing/queues/:queueId/mediatypes/:mediaType/estimatedwaittime',
    (request) => {
      parseQuery(ewtQuery, request.query);
      const queue = queueNamed(request.params.queueId);
      const mediaType = request.params.mediaType;
      if (!(MEDIA_TYPES as readonly string[]).includes(mediaType))
        throw platformErrors.invalidField('mediaType', `must be one of ${MEDIA_TYPES.join(', ')}`);
      const seconds = estimate(queue, mediaType, undefined);
      return {
        results: [{ intent: mediaType.toUpperCase(), formula: 'SIMPLE', estimatedWaitTimeSeconds: seconds }],
      };
    },
  );

  app.get<{ Params: { queueId: string } }>('/api/v2/routing/queues/:queueId/estimatedwaittime', (request) => {
    const q = parseQuery(conversationEwtQuery, request.query);
    const queue = queueNamed(request.params.queueId);
    if (q.conversationId === undefined) {
      return {
        results: [
          { intent: 'ALL', formula: 'SIMPLE', estimatedWaitTimeSeconds: estimate(queue, 'all', undefined) },
        ],
      };
    }
    const conversation = ctx.store.get(q.conversationId);
    if (!conversation || conversation.routing.queue !== queue)
      throw platformErrors.notFound('Conversation', q.conversationId);
    // Per conversation: its own place in the queue (§7.6 a); 0 once an agent has it.
    const waiting = waitingIn(ctx.chat.waiting(), queue);
    const position = waiting.findIndex((c) => c.id === conversation.id);
    const seconds = position < 0 ? 0 : estimate(queue, 'all', position);
    const intent = conversation.kind === 'open-messaging' ? 'MESSAGE' : 'CHAT';
    return { results: [{ intent, formula: 'POSITION-IN-QUEUE', estimatedWaitTimeSeconds: seconds }] };
  });
}
