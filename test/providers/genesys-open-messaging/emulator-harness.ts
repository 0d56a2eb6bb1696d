// Drives the Open Messaging client against the emulator (src/emulator, the other independent reading
// of the protocol). Only the emulator's public entry (`startEmulator`) and its HTTP fault API are used.
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.ts';
import {
  OpenMessagingClient,
  type OpenMessagingClientOptions,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { SYSTEM_TIME } from '../../support/system-time.ts';

export const OM_CLIENT = { clientId: 'om-client', clientSecret: 'om-client-secret-0123' } as const;
export const INTEGRATION_ID = '7b7a1f64-0000-4000-8000-0000000000aa';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789';

export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly status: number;
}

/**
 * An emulator with the OAuth client `OM_CLIENT` and the gateway's integration `INTEGRATION_ID`
 * (webhook at `webhookUrl`, signed with `WEBHOOK_SECRET`) besides any in `options.openIntegrations`.
 */
export async function startOmEmulator(
  options: EmulatorOptions = {},
  webhookUrl = 'http://127.0.0.1:9/webhook',
): Promise<RunningEmulator> {
  return startEmulator({
    host: '127.0.0.1',
    port: 0,
    oauthClients: [OM_CLIENT],
    integrationProvisioningMs: 20,
    ...options,
    openIntegrations: [
      {
        id: INTEGRATION_ID,
        name: 'Gateway',
        outboundNotificationWebhookUrl: webhookUrl,
        outboundNotificationWebhookSignatureSecretToken: WEBHOOK_SECRET,
      },
      ...(options.openIntegrations ?? []),
    ],
  });
}

/** A client of the emulator whose HTTP exchanges are recorded (method, path, auth header, status). */
export function clientFor(
  emulator: RunningEmulator,
  extra: Partial<OpenMessagingClientOptions> = {},
): { client: OpenMessagingClient; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const client = new OpenMessagingClient({
    ...SYSTEM_TIME,
    target: { baseUrl: emulator.url },
    credentials: OM_CLIENT,
    integrationId: INTEGRATION_ID,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(init.headers);
      sent.push({
        method: init.method,
        path: new URL(input).pathname,
        authorization: headers.get('authorization') ?? undefined,
        status: response.status,
      });
      return response;
    },
    ...extra,
  });
  return { client, sent };
}

/** POST /emulator/v1/faults (the emulator's fault API). */
export async function injectFault(
  emulator: RunningEmulator,
  fault: Record<string, unknown>,
): Promise<unknown> {
  const res = await fetch(`${emulator.url}/emulator/v1/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (!res.ok) throw new Error(`fault ${JSON.stringify(fault)} refused: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The emulator's agent/test API under /emulator/v1 (JSON in, JSON out). */
export async function emulatorApi(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emulator.url}/emulator/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}
