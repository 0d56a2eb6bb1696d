// What the page gets of an agent's attachments. The gateway passes files by URL (it never downloads
// them), and the URL comes from the contact center: only http(s) links reach the page, so a
// `javascript:` or `data:` URL can never become a link or an image source there.
import type { Attachment } from '../client/index.ts';

export interface AttachmentView {
  /** An absolute http or https URL (normalised). */
  readonly url: string;
  readonly mediaType: Attachment['mediaType'];
  /** What the link says: the file name, else the last part of the URL's path. */
  readonly name: string;
  readonly mime?: string;
  readonly sizeBytes?: number;
}

/** Longer URLs are not shown: a page item stays small, and no real file link needs more. */
const MAX_URL_LENGTH = 4096;

/** The attachments worth showing, in order; the others are dropped (the caller counts them). */
export function attachmentViews(attachments: readonly Attachment[]): AttachmentView[] {
  const views: AttachmentView[] = [];
  for (const a of attachments) {
    const url = httpUrl(a.url);
    if (!url) continue;
    views.push({
      url: url.href,
      mediaType: a.mediaType,
      name: a.filename?.trim() || nameFromUrl(url, a.mediaType),
      ...(a.mime !== undefined ? { mime: a.mime } : {}),
      ...(a.sizeBytes !== undefined ? { sizeBytes: a.sizeBytes } : {}),
    });
  }
  return views;
}

function httpUrl(text: string): URL | undefined {
  if (text.length > MAX_URL_LENGTH || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

function nameFromUrl(url: URL, mediaType: Attachment['mediaType']): string {
  // A link is about where it goes; a file is about its name.
  if (mediaType === 'link') return url.host + (url.pathname === '/' ? '' : url.pathname);
  const last = url.pathname.split('/').filter(Boolean).at(-1);
  if (!last) return url.host;
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // a stray % in the path: show it as it is
  }
}
