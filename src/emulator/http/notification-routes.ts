// The Notifications API (OM doc §4.6) in the platform scope: channels (create, list, check) and their
// topic subscriptions (GET, PUT = replace, POST = add, DELETE = none). Channels belong to the OAuth
// client of the token. `ignoreErrors=true` lists unknown topics as Rejected instead of failing the
// whole request (what the streaming client's partial bulk subscribe relies on).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import type { Channel } from '../notifications/channels.ts';
import { parseTopic } from '../notifications/topics.ts';
import { PlatformApiError, platformErrors } from '../platform/errors.ts';
import { callerOf } from './platform-auth.ts';
import { boolParam, parseQuery } from './query-params.ts';
import { wsBase } from './ws-base.ts';

export const CHANNELS_PATH = '/api/v2/notifications/channels';
/** Where notification sockets connect (Genesys: wss://streaming.{env}/channels/{id}). */
export const CHANNEL_SOCKET_PATH = '/channels';

type ChannelParams = { Params: { channelId: string } };

const topicsBodySchema = z.array(z.object({ id: z.string().min(1).max(500) }));
const subscribeQuerySchema = z.object({ ignoreErrors: boolParam });
const listQuerySchema = z.object({
  includechannels: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['token', 'oauthclient']).optional(),
  ),
});

function parseTopics(body: unknown): string[] {
  if (!Array.isArray(body)) throw platformErrors.malformed();
  const result = topicsBodySchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw platformErrors.invalidField(issue?.path.join('.') ?? 'body', issue?.message ?? 'is not valid');
  }
  return [...new Set(result.data.map((t) => t.id))];
}

export function registerNotificationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const view = (request: FastifyRequest, channel: Channel) => ({
    connectUri: `${wsBase(ctx, request)}${CHANNEL_SOCKET_PATH}/${channel.id}`,
    id: channel.id,
    expires: new Date(channel.expiresAt).toISOString(),
  });
  /** Another client's channel is as unknown as a missing one. */
  const load = (request: FastifyRequest, id: string): Channel => {
    const channel = ctx.channels.get(id);
    if (channel?.clientId !== callerOf(ctx, request).clientId) throw platformErrors.notFound('Channel', id);
    return channel;
  };
  const listing = (channel: Channel, rejected: readonly string[] = []) => ({
    entities: [
      ...[...channel.topics].map((id) => ({ id, state: 'Permitted' })),
      ...rejected.map((id) => ({
        id,
        state: 'Rejected',
        rejectionReason: 'Topic not found or not supported',
      })),
    ],
  });

  app.post(CHANNELS_PATH, (request) => view(request, ctx.channels.create(callerOf(ctx, request).clientId)));

  // `includechannels=token|oauthclient`: the emulator keeps channels per OAuth client, so both list them.
  app.get(CHANNELS_PATH, (request) => {
    parseQuery(listQuerySchema, request.query);
    return { entities: ctx.channels.listFor(callerOf(ctx, request).clientId).map((c) => view(request, c)) };
  });

  app.head<ChannelParams>(`${CHANNELS_PATH}/:channelId`, (request, reply) => {
    load(request, request.params.channelId);
    return reply.code(200).send();
  });

  app.get<ChannelParams>(`${CHANNELS_PATH}/:channelId/subscriptions`, (request) => {
    const channel = load(request, request.params.channelId);
    return { entities: [...channel.topics].map((id) => ({ id })) };
  });

  for (const [method, mode] of [
    ['PUT', 'replace'],
    ['POST', 'add'],
  ] as const) {
    app.route<ChannelParams>({
      method,
      url: `${CHANNELS_PATH}/:channelId/subscriptions`,
      handler: (request) => {
        const { ignoreErrors } = parseQuery(subscribeQuerySchema, request.query);
        const channel = load(request, request.params.channelId);
        const topics = parseTopics(request.body);
        const rejected = topics.filter((t) => parseTopic(t) === undefined);
        if (rejected.length > 0 && ignoreErrors !== true)
          throw platformErrors.invalidField('id', `unknown topic ${rejected[0] ?? ''}`);
        const accepted = topics.filter((t) => !rejected.includes(t));
        const total = new Set(mode === 'replace' ? accepted : [...channel.topics, ...accepted]).size;
        if (total > ctx.channels.maxTopics) {
          // §4.6: 1,000 topics per channel [U: Genesys' error code].
          throw new PlatformApiError(
            400,
            'bad.request',
            `A channel can subscribe to at most ${ctx.channels.maxTopics} topics (${total} requested).`,
            {
              messageParams: { limit: String(ctx.channels.maxTopics) },
            },
          );
        }
        ctx.channels.subscribe(channel, accepted, mode);
        return listing(channel, rejected);
      },
    });
  }

  app.delete<ChannelParams>(`${CHANNELS_PATH}/:channelId/subscriptions`, (request, reply) => {
    ctx.channels.unsubscribeAll(load(request, request.params.channelId));
    return reply.code(204).send();
  });
}
