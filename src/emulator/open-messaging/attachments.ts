// Files agents send in Open Messaging conversations. Genesys hosts them and puts a download URL on
// the webhook (§4.1: `https://api-downloads.{env}/api/v2/downloads/{id}`); the emulator keeps them in
// memory and serves them itself at `/api/v2/downloads/{id}`.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Attachment } from '../model.ts';

export const DOWNLOADS_PATH = '/api/v2/downloads';

export interface StoredFile {
  readonly mime: string;
  readonly filename: string;
  readonly bytes: Buffer;
}

/** §3.1 mediaType from the MIME type. */
function mediaTypeOf(mime: string): Attachment['mediaType'] {
  if (mime.startsWith('image/')) return 'Image';
  if (mime.startsWith('video/')) return 'Video';
  if (mime.startsWith('audio/')) return 'Audio';
  return 'File';
}

export class AttachmentStore {
  readonly #files = new Map<string, StoredFile>();
  readonly #baseUrl: () => string;

  constructor(baseUrl: () => string) {
    this.#baseUrl = baseUrl;
  }

  add(file: StoredFile): Attachment {
    // Download ids look like the captured `pce9ac7dc17eab202a3` (opaque, URL-safe).
    const downloadId = `p${randomBytes(9).toString('hex')}`;
    this.#files.set(downloadId, file);
    return {
      id: randomUUID(),
      mediaType: mediaTypeOf(file.mime),
      url: `${this.#baseUrl()}${DOWNLOADS_PATH}/${downloadId}`,
      mime: file.mime,
      filename: file.filename,
      contentSizeBytes: file.bytes.length,
    };
  }

  get(downloadId: string): StoredFile | undefined {
    return this.#files.get(downloadId);
  }
}
