// The notification WebSocket (OM doc §4.6) at a channel's connectUri: no headers, no subprotocol —
// the channel id in the path is the only credential. An unknown (expired, evicted) channel is refused
// before the upgrade with a 404 ErrorBody. Subscriptions belong to the channel, so a client that
// reconnects to the same connectUri keeps them.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { EventStreamHub } from '../hub.ts';
import type { NotificationFrame } from '../notifications/frames.ts';
import { platformErrors } from '../platform/errors.ts';
import { CHANNEL_SOCKET_PATH } from './notification-routes.ts';

export function registerNotificationSocketRoute(
  app: FastifyInstance,
  ctx: EmulatorContext,
  hub: EventStreamHub<NotificationFrame>,
): void {
  app.get<{ Params: { channelId: string } }>(
    `${CHANNEL_SOCKET_PATH}/:channelId`,
    {
      websocket: true,
      preValidation: (request, _reply, done) => {
        if (!ctx.channels.get(request.params.channelId))
          throw platformErrors.notFound('Channel', request.params.channelId);
        done();
      },
    },
    (socket, request) => {
      hub.attach(request.params.channelId, socket);
    },
  );
}
