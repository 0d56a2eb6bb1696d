// The page ↔ bot server API (JSON, same origin, session cookie). The page never talks to the gateway:
// the bot server holds the API key and decides what the page may see.
//   POST /api/session        create or resume the browser's session → { settings, status, endpoints }
//   GET  /api/events         SSE: timeline items, status, agent typing (see page-stream.ts)
//   POST /api/messages       { text } → 202; the bot answers, or the agent gets it during a handover
//   POST /api/typing         → 202; relayed to the agent during a handover
//   PUT  /api/settings       routing settings of the form → 200 { settings }; 400 unknown_endpoint;
//                            409 handover_in_progress (the contact center is fixed during a handover)
//   POST /api/handover       "Talk to an agent" → 202
//   POST /api/handover/end   "End chat with agent" → 202
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ChatSession, RoutingChoice } from '../chat-session.ts';
import type { DemoBot } from '../demo-bot.ts';
import type { PresenceTracker } from '../presence-tracker.ts';
import type { SessionStore } from '../session-store.ts';
import { streamToPage } from './page-stream.ts';
import { emptyBody, messageBody, settingsBody, type SettingsBody } from './schemas.ts';
import { readSessionId, setSessionCookie } from './session-cookie.ts';

export class PageApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { path: string; message: string }[] | undefined;
  constructor(status: number, code: string, message: string, details?: { path: string; message: string }[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function registerPageRoutes(
  app: FastifyInstance,
  bot: DemoBot,
  sessions: SessionStore,
  presence: PresenceTracker,
): void {
  const streams = new Set<() => void>();

  const sessionOf = (request: FastifyRequest): ChatSession => {
    const session = sessions.get(readSessionId(request));
    if (!session) throw new PageApiError(401, 'no_session', 'No chat session: load the page again.');
    session.lastSeen = Date.now();
    return session;
  };

  app.post('/api/session', (request, reply) => {
    parse(emptyBody, request.body);
    let session = sessions.get(readSessionId(request));
    if (!session) {
      session = sessions.create(bot.initialSettings());
      bot.greet(session);
      setSessionCookie(reply, session.id);
    }
    return {
      settings: toSettingsBody(session.settings),
      status: session.status,
      // Ids and labels only: what the "Contact center" choice lists.
      endpoints: bot.endpoints.map(({ id, label }) => ({ id, label })),
    };
  });

  app.get('/api/events', (request, reply) => {
    const session = sessionOf(request);
    reply.hijack();
    const last = request.headers['last-event-id'];
    const stop = streamToPage(session, typeof last === 'string' ? last : undefined, reply.raw);
    presence.opened(session);
    const cleanup = (): void => {
      if (!streams.delete(cleanup)) return;
      stop();
      presence.closed(session);
    };
    streams.add(cleanup);
    request.raw.on('close', cleanup);
  });

  app.post('/api/messages', async (request, reply) => {
    const session = sessionOf(request);
    const { text } = parse(messageBody, request.body);
    await bot.customerMessage(session, text);
    return accepted(reply);
  });

  app.post('/api/typing', async (request, reply) => {
    const session = sessionOf(request);
    parse(emptyBody, request.body);
    await bot.customerTyping(session);
    return accepted(reply);
  });

  app.put('/api/settings', (request) => {
    const session = sessionOf(request);
    const body = parse(settingsBody, request.body);
    const refused = bot.updateSettings(session, toChoice(body));
    if (refused === 'unknown_endpoint')
      throw new PageApiError(400, 'unknown_endpoint', 'This contact center is not offered.', [
        { path: 'endpoint', message: `one of: ${bot.endpoints.map((e) => e.id).join(', ')}` },
      ]);
    if (refused === 'handover_in_progress')
      throw new PageApiError(
        409,
        'handover_in_progress',
        'The contact center cannot change during a chat with an agent; end that chat first.',
      );
    return { settings: toSettingsBody(session.settings) };
  });

  app.post('/api/handover', async (request, reply) => {
    const session = sessionOf(request);
    parse(emptyBody, request.body);
    await bot.requestHandover(session);
    return accepted(reply);
  });

  app.post('/api/handover/end', async (request, reply) => {
    const session = sessionOf(request);
    parse(emptyBody, request.body);
    await bot.endHandover(session);
    return accepted(reply);
  });

  app.addHook('preClose', (done) => {
    for (const stop of [...streams]) stop();
    done();
  });
}

function accepted(reply: FastifyReply): FastifyReply {
  return reply.code(202).send({ accepted: true });
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new PageApiError(
    400,
    'invalid_request',
    'The request is not valid.',
    result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
  );
}

function toChoice(body: SettingsBody): RoutingChoice {
  return {
    endpoint: body.endpoint,
    displayName: body.displayName,
    ...(body.language !== undefined ? { language: body.language } : {}),
    skills: [...new Set(body.skills)],
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    customAttributes: Object.fromEntries(body.customAttributes.map((r) => [r.key, r.value])),
  };
}

function toSettingsBody(choice: RoutingChoice): SettingsBody {
  return {
    endpoint: choice.endpoint,
    displayName: choice.displayName,
    ...(choice.language !== undefined ? { language: choice.language } : {}),
    skills: [...choice.skills],
    ...(choice.priority !== undefined ? { priority: choice.priority } : {}),
    customAttributes: Object.entries(choice.customAttributes).map(([key, value]) => ({ key, value })),
  };
}
