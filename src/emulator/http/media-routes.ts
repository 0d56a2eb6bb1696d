// §5.9 media requests (co-browse / screen share; deprecated, low priority but complete).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { guestErrors } from '../errors.ts';
import { isActive } from '../model.ts';
import { mediaRequestView } from '../views.ts';
import { authenticate } from './guest-auth.ts';
import { parsePatchMediaRequest } from './guest-schemas.ts';
import { GUEST_PREFIX } from './paths.ts';

type Params = { Params: { conversationId: string; mediaRequestId: string } };

export function registerMediaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { conversationId: string } }>(
    `${GUEST_PREFIX}/:conversationId/mediarequests`,
    (request) => {
      const { conversation } = authenticate(ctx, request, request.params.conversationId);
      // §6.13: the entity list has `entities` only, no paging fields.
      return { entities: conversation.mediaRequests.map((r) => mediaRequestView(conversation.id, r)) };
    },
  );

  app.get<Params>(`${GUEST_PREFIX}/:conversationId/mediarequests/:mediaRequestId`, (request) => {
    const { conversation } = authenticate(ctx, request, request.params.conversationId);
    const found = conversation.mediaRequests.find((r) => r.id === request.params.mediaRequestId);
    if (!found) throw guestErrors.mediaRequestNotFound();
    return mediaRequestView(conversation.id, found);
  });

  // "setting the state to ACCEPTED/DECLINED/ERRORED" (§5.9). Other properties of the body are ignored.
  app.patch<Params>(`${GUEST_PREFIX}/:conversationId/mediarequests/:mediaRequestId`, (request) => {
    const { conversation } = authenticate(ctx, request, request.params.conversationId);
    const found = conversation.mediaRequests.find((r) => r.id === request.params.mediaRequestId);
    if (!found) throw guestErrors.mediaRequestNotFound();
    const body = parsePatchMediaRequest(request.body);
    if (!isActive(conversation)) throw guestErrors.notActive();
    found.state = body.state;
    return mediaRequestView(conversation.id, found);
  });
}
