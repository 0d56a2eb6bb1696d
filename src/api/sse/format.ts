// The SSE wire format (WHATWG HTML §9.2). JSON.stringify never emits a raw newline, so one `data:`
// line is enough; ids and type names are ours and contain no newlines either.
import { toWireEvent, type HandoverEvent } from '../../core/model/events.ts';

export function formatSseEvent(event: HandoverEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(toWireEvent(event))}\n\n`;
}

/** A comment line: ignored by EventSource, but keeps proxies from closing an idle connection. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
