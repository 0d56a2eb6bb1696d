// Helpers for tests of the emulator's platform side (OAuth, Open Messaging, Notifications): get a
// token, call the platform API with it, assert Genesys' ErrorBody.
import assert from 'node:assert/strict';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.ts';
import { http, startTestEmulator, type HttpResult } from './helpers.ts';

export const DEMO_CLIENT = { id: 'emulator-client', secret: 'emulator-secret' } as const;

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export async function tokenRequest(
  emulator: RunningEmulator,
  form: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return http(emulator, 'POST', '/login/oauth/token', {
    raw: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** A fresh access token of the demo client (or the given one). */
export async function accessToken(
  emulator: RunningEmulator,
  client: { id: string; secret: string } = DEMO_CLIENT,
): Promise<string> {
  const result = await tokenRequest(emulator, 'grant_type=client_credentials', {
    authorization: basicAuth(client.id, client.secret),
  });
  assert.equal(result.status, 200, result.text);
  return (result.body as { access_token: string }).access_token;
}

/** A platform API call with `Authorization: Bearer <token>`. */
export function platform(
  emulator: RunningEmulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpResult> {
  return http(emulator, method, path, {
    headers: { authorization: `Bearer ${token}` },
    ...(body !== undefined ? { body } : {}),
  });
}

/** Asserts a Genesys ErrorBody (guest-chat §6.14, OM §1.4) with the given status and code; contextId = inin-correlation-id. */
export function assertErrorBody(result: HttpResult, status: number, code: string): Record<string, unknown> {
  assert.equal(result.status, status, result.text);
  const body = result.body as Record<string, unknown>;
  assert.equal(body.code, code, result.text);
  assert.equal(body.status, status);
  assert.equal(typeof body.message, 'string');
  assert.equal(body.contextId, result.headers.get('inin-correlation-id'));
  assert.deepEqual(body.errors, []);
  assert.ok(Array.isArray(body.details));
  return body;
}

export const INTEGRATIONS = '/api/v2/conversations/messaging/integrations/open';

export function integrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Bot gateway',
    outboundNotificationWebhookUrl: 'http://127.0.0.1:9/webhook',
    outboundNotificationWebhookSignatureSecretToken: 'a-secret-of-16ch',
    ...overrides,
  };
}

/** Polls GET integration until createStatus is Completed (bounded). */
export async function waitCompleted(emulator: RunningEmulator, token: string, id: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    const got = await platform(emulator, token, 'GET', `${INTEGRATIONS}/${id}`);
    if ((got.body as { createStatus?: string }).createStatus === 'Completed') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`integration ${id} never completed`);
}

/** Creates an integration through the API and waits until it is Completed. */
export async function createIntegration(
  emulator: RunningEmulator,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const created = await platform(emulator, token, 'POST', INTEGRATIONS, integrationBody(overrides));
  assert.equal(created.status, 200, created.text);
  const id = (created.body as { id: string }).id;
  await waitCompleted(emulator, token, id);
  return { id };
}

export const inboundPath = (integrationId: string, kind: 'message' | 'event' | 'receipt'): string =>
  `/api/v2/conversations/messages/${integrationId}/inbound/open/${kind}`;

/** An `OpenInboundNormalizedMessage` (§3.1) from `fromId`, with optional custom attributes. */
export function inboundMessage(
  fromId: string,
  text: string,
  options: { attributes?: Record<string, string>; messageId?: string; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    channel: {
      from: { id: fromId, idType: 'Opaque', nickname: 'Alex', firstName: 'Alex', lastName: 'Doe' },
      time: new Date().toISOString(),
      ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
      ...(options.attributes !== undefined ? { metadata: { customAttributes: options.attributes } } : {}),
    },
    text,
    ...options.extra,
  };
}

/** Sends a customer message; returns the answer body. */
export async function sendInbound(
  emulator: RunningEmulator,
  token: string,
  integrationId: string,
  body: Record<string, unknown>,
  prefetch = true,
): Promise<Record<string, any>> {
  const path = `${inboundPath(integrationId, 'message')}${prefetch ? '?prefetchConversationId=true' : ''}`;
  const result = await platform(emulator, token, 'POST', path, body);
  assert.equal(result.status, 200, result.text);
  return result.body as Record<string, any>;
}

export interface OpenMessagingSetup {
  readonly emulator: RunningEmulator;
  readonly token: string;
  readonly integrationId: string;
}

/** An emulator with instant integration provisioning, a token of the demo client and one integration. */
export async function startOpenMessaging(
  options: EmulatorOptions = {},
  integration: Record<string, unknown> = {},
): Promise<OpenMessagingSetup> {
  const emulator = await startTestEmulator({ integrationProvisioningMs: 0, ...options });
  const token = await accessToken(emulator);
  const { id } = await createIntegration(emulator, token, integration);
  return { emulator, token, integrationId: id };
}
