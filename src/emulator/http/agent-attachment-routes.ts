// POST /emulator/v1/conversations/{id}/agent/attachments: the connected agent sends a file (and
// optionally text) in an Open Messaging chat. The file is served at a download URL (§4.1) and goes to
// the webhook as an attachment. Guest chats have no attachments (409 attachments_not_supported).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { EmulatorApiError } from '../errors.ts';
import { agentAttachmentSchema, parseAgentBody } from './agent-schemas.ts';
import { AGENT_PREFIX } from './paths.ts';

export function registerAgentAttachmentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const maxBytes = ctx.options.attachmentMaxBytes;
  app.post<{ Params: { id: string } }>(
    `${AGENT_PREFIX}/conversations/:id/agent/attachments`,
    // Base64 grows a file by a third; leave room for the JSON around it.
    { bodyLimit: Math.ceil((maxBytes * 4) / 3) + 64 * 1024 },
    (request) => {
      const conversation = ctx.store.get(request.params.id);
      if (!conversation)
        throw new EmulatorApiError(
          404,
          'conversation_not_found',
          `No conversation with id "${request.params.id}".`,
        );
      const body = parseAgentBody(agentAttachmentSchema, request.body);
      if (conversation.kind !== 'open-messaging')
        throw new EmulatorApiError(409, 'attachments_not_supported', 'Guest chats carry text only.');
      const bytes = Buffer.from(body.contentBase64, 'base64');
      if (bytes.length > maxBytes)
        throw new EmulatorApiError(413, 'payload_too_large', `The file is larger than ${maxBytes} bytes.`);
      // Checked before the file is stored, so a refused message leaves nothing behind.
      ctx.chat.requireConnectedAgent(conversation);
      const attachment = ctx.attachments.add({ mime: body.mime, filename: body.filename, bytes });
      return { message: ctx.chat.agentMessage(conversation, body.text ?? '', 'standard', [attachment]) };
    },
  );
}
