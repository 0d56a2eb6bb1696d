// The gateway side of the outbound webhook (§4) as a test server on 127.0.0.1:0: raw bytes in,
// `WebhookVerifier` decides, the answer is the status it says. Accepted events are de-duplicated on
// `dedupeKey` the way the gateway will (§4.5: at-least-once, unordered).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  WebhookVerifier,
  type WebhookEvent,
  type WebhookOutcome,
} from '../../../src/providers/genesys-open-messaging/index.ts';

export interface ReceivedCall {
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly outcome: WebhookOutcome;
}

export interface OmWebhookReceiver {
  readonly url: string;
  /** Every call, in arrival order. */
  readonly calls: ReceivedCall[];
  /** Accepted events, first delivery only. */
  readonly events: WebhookEvent[];
  /** Redeliveries of an already accepted event. */
  readonly duplicates: WebhookEvent[];
  close(): Promise<void>;
}

export async function startOmWebhookReceiver(secret: string): Promise<OmWebhookReceiver> {
  const verifier = new WebhookVerifier({ secret });
  const calls: ReceivedCall[] = [];
  const events: WebhookEvent[] = [];
  const duplicates: WebhookEvent[] = [];
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const outcome = verifier.verify(raw, req.headers);
      calls.push({ headers: req.headers, raw, outcome });
      if (outcome.verdict === 'event') {
        if (seen.has(outcome.event.dedupeKey)) duplicates.push(outcome.event);
        else {
          seen.add(outcome.event.dedupeKey);
          events.push(outcome.event);
        }
      }
      res.writeHead(outcome.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/genesys/webhook`,
    calls,
    events,
    duplicates,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
