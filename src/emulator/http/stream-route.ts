// The event stream (§8): a WebSocket at the eventStreamUri, token in the path, no headers, no
// subprotocol. Both production layouts are served (§2.3): /v1/token/<jwt> (2019–2020, what the
// emulator hands out) and /chat/jwt/<jwt> (2022). A bad token is refused before the upgrade with a
// 401 ErrorBody; opening the same URI again is allowed (§9.7) and replays nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { Conversation } from '../model.ts';
import { verifyToken } from './guest-auth.ts';

type TokenParams = { Params: { token: string } };

export function registerStreamRoute(app: FastifyInstance, ctx: EmulatorContext): void {
  const resolved = new WeakMap<FastifyRequest, Conversation>();
  for (const path of ['/v1/token/:token', '/chat/jwt/:token']) {
    app.get<TokenParams>(
      path,
      {
        websocket: true,
        preValidation: (request, _reply, done) => {
          // Throwing here answers a plain HTTP 401 instead of upgrading.
          const { conversation } = verifyToken(ctx, request.params.token);
          resolved.set(request, conversation);
          done();
        },
      },
      (socket, request) => {
        const conversation = resolved.get(request);
        if (!conversation) {
          socket.close(1008, 'invalid token');
          return;
        }
        ctx.chat.streamAttached(conversation, socket);
      },
    );
  }
}
