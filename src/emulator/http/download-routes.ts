// GET /api/v2/downloads/{downloadId}: the files agents attached (§4.1 attachment URLs). Outside the
// bearer scope: a bot platform fetches the URL from the webhook as it is [I: real downloads may need
// more; the emulator keeps it simple].
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { DOWNLOADS_PATH } from '../open-messaging/attachments.ts';
import { platformErrors } from '../platform/errors.ts';

export function registerDownloadRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { downloadId: string } }>(`${DOWNLOADS_PATH}/:downloadId`, (request, reply) => {
    const file = ctx.attachments.get(request.params.downloadId);
    if (!file) throw platformErrors.notFound('Download', request.params.downloadId);
    // RFC 6266: a quoted ASCII fallback plus the UTF-8 name.
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply
      .type(file.mime)
      .header(
        'content-disposition',
        `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      )
      .header('cache-control', 'private, max-age=3600')
      .send(file.bytes);
  });
}
