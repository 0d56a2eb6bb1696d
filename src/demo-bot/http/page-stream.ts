// GET /api/events — the page's live view, as Server-Sent Events (the browser's EventSource).
//   event: item    id: <seq>  data: TimelineItem   (a chat line or notice; `id` lets EventSource resume)
//   event: status             data: HandoverStatus (bot / connecting / queued / agent / transferring)
//   event: typing             data: { agent, expiresInMs }
// On connect: the items after Last-Event-ID (all of them on a fresh page load), the status, and the
// agent's typing hint if one is showing. The page renders items by id, so a replay never duplicates.
import type { ServerResponse } from 'node:http';
import type { ChatSession, PageUpdate } from '../chat-session.ts';

const KEEP_ALIVE_MS = 15_000;

export function streamToPage(
  session: ChatSession,
  lastEventId: string | undefined,
  res: ServerResponse,
): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  const after = lastEventId !== undefined && /^\d{1,12}$/.test(lastEventId) ? Number(lastEventId) : 0;
  const write = (update: PageUpdate): void => {
    if (res.writableEnded) return;
    switch (update.type) {
      case 'item':
        res.write(`id: ${update.item.seq}\nevent: item\ndata: ${JSON.stringify(update.item)}\n\n`);
        return;
      case 'status':
        res.write(`event: status\ndata: ${JSON.stringify(update.status)}\n\n`);
        return;
      case 'typing':
        res.write(`event: typing\ndata: ${JSON.stringify(update.typing)}\n\n`);
        return;
    }
  };
  for (const item of session.itemsAfter(after)) write({ type: 'item', item });
  write({ type: 'status', status: session.status });
  const typing = session.currentTyping();
  if (typing) write({ type: 'typing', typing });
  const unsubscribe = session.subscribe(write);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  keepAlive.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(keepAlive);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
}
