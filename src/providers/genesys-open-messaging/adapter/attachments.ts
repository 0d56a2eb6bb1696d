// Files on messages, between the core's Attachment (by URL, lower-case media type) and Genesys'
// shapes: inbound `content[].attachment` (§3.1: mediaType Image|Video|Audio|File|Link, url and mime
// required), outbound/webhook attachments (§4.1: a download URL), a conversation read's `media`
// (its `mediaType` is a MIME type). An attachment without an http(s) URL cannot be passed on and is
// left out.
import { MediaTypes, type Attachment, type MediaType } from '../../../core/model/attachment.ts';
import type { InboundAttachment } from '../wire/inbound.ts';

/** §3.1: Genesys spells the media type capitalised. */
const GENESYS_MEDIA_TYPE = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  file: 'File',
  link: 'Link',
} as const satisfies Record<MediaType, InboundAttachment['mediaType']>;

/** §3.1 requires a MIME type; a file whose type the bot did not say is plain bytes. */
const UNKNOWN_MIME = 'application/octet-stream';

export function toInboundAttachment(a: Attachment): InboundAttachment {
  return {
    mediaType: GENESYS_MEDIA_TYPE[a.mediaType],
    url: a.url,
    mime: a.mime ?? UNKNOWN_MIME,
    ...(a.filename === undefined ? {} : { filename: a.filename }),
  };
}

/** What Genesys sends (§4.1 attachment, SDK ConversationContentAttachment). */
export interface GenesysAttachment {
  readonly mediaType: string;
  readonly url?: string | undefined;
  readonly mime?: string | undefined;
  readonly filename?: string | undefined;
  readonly sizeBytes?: number | undefined;
}

export function fromGenesysAttachment(a: GenesysAttachment): Attachment | undefined {
  if (a.url === undefined || !isHttpUrl(a.url)) return undefined;
  const named = a.mediaType.toLowerCase();
  const mediaType = MediaTypes.find((t) => t === named) ?? fromMime(a.mime);
  return {
    url: a.url,
    mediaType,
    ...(a.mime === undefined ? {} : { mime: a.mime }),
    ...(a.filename === undefined ? {} : { filename: a.filename }),
    ...(a.sizeBytes === undefined ? {} : { sizeBytes: a.sizeBytes }),
  };
}

/** A conversation read's `MessageMedia`: `mediaType` holds the MIME type there. */
export function fromMessageMedia(m: {
  readonly url?: string | undefined;
  readonly mediaType?: string | undefined;
  readonly name?: string | undefined;
  readonly contentLengthBytes?: number | undefined;
}): Attachment | undefined {
  return fromGenesysAttachment({
    mediaType: fromMime(m.mediaType),
    url: m.url,
    mime: m.mediaType,
    filename: m.name,
    sizeBytes: m.contentLengthBytes,
  });
}

function fromMime(mime: string | undefined): MediaType {
  const top = mime?.split('/')[0]?.toLowerCase();
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
