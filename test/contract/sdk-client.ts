// Configures Genesys' official guest-chat SDK (purecloud-guest-chat-client 13.2.0) against an emulator.
// The SDK's ApiClient is a process-wide singleton, so contract tests run their SDK calls sequentially.
import platformClient from 'purecloud-guest-chat-client';

export type Sdk = typeof platformClient;
export type WebChatApi = InstanceType<Sdk['WebChatApi']>;

/** The SDK's extended response (after setReturnExtendedResponses(true)), §13.2. */
export interface ExtendedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly text: string;
  readonly error: unknown;
}

export function sdkFor(baseUrl: string): { sdk: Sdk; client: Sdk['ApiClient']; api: WebChatApi } {
  const client = platformClient.ApiClient.instance;
  // §13.3: never let the SDK's config-file watcher reset basePath; set basePath directly (setEnvironment
  // would force https://api.<env>).
  client.config.live_reload_config = false;
  client.config.basePath = baseUrl;
  client.setReturnExtendedResponses(false);
  return { sdk: platformClient, client, api: new platformClient.WebChatApi() };
}

/** §13.4 item 1: the SDK leaves `Authorization: [REDACTED]` in its shared default headers after create. */
export function applyRedactedHeaderWorkaround(client: Sdk['ApiClient']): void {
  delete (client as unknown as { defaultHeaders: Record<string, string> }).defaultHeaders.Authorization;
}

export function defaultHeaders(client: Sdk['ApiClient']): Record<string, string> {
  return (client as unknown as { defaultHeaders: Record<string, string> }).defaultHeaders;
}

export { rejection } from './rejection.ts';
