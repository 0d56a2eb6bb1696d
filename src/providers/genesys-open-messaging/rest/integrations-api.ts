// Open Messaging integrations (protocol §2): what the operator set up, readable by the gateway to
// check its configuration at start. The webhook secret Genesys returns is stripped by the schema.
import {
  OpenIntegrationListingSchema,
  OpenIntegrationRequestSchema,
  OpenIntegrationSchema,
  type OpenIntegration,
  type OpenIntegrationListing,
} from '../wire/integration.ts';
import type { ApiTransport } from './api-transport.ts';
import { checkRequest, seg, type CallOptions } from './call-options.ts';

const INTEGRATIONS = '/api/v2/conversations/messaging/integrations/open';

export interface CreateIntegrationInput {
  readonly name: string;
  /** Public https URL (Genesys only calls port 443, §2 operator notes). */
  readonly webhookUrl: string;
  /** The webhook signature secret: longer than 15 characters (§2). */
  readonly webhookSecret: string;
  /** Extra headers Genesys adds to every webhook call. */
  readonly webhookHeaders?: Readonly<Record<string, string>>;
  readonly supportedContentId?: string;
  readonly messagingSettingId?: string;
}

export class IntegrationsApi {
  readonly #transport: ApiTransport;

  constructor(transport: ApiTransport) {
    this.#transport = transport;
  }

  /** `GET …/open/{integrationId}`; `expand` e.g. `supportedContent`, `messagingSetting`. */
  getIntegration(
    integrationId: string,
    options: CallOptions & { readonly expand?: readonly string[] },
  ): Promise<OpenIntegration> {
    const { expand, ...call } = options;
    return this.#transport.call({
      operation: 'getIntegration',
      method: 'GET',
      path: `${INTEGRATIONS}/${seg(integrationId)}`,
      query: { expand: expand === undefined || expand.length === 0 ? undefined : expand.join(',') },
      schema: OpenIntegrationSchema,
      ...call,
    });
  }

  /** `GET …/open` — one page. */
  listIntegrations(
    options: CallOptions & { readonly pageSize?: number; readonly pageNumber?: number },
  ): Promise<OpenIntegrationListing> {
    const { pageSize, pageNumber, ...call } = options;
    return this.#transport.call({
      operation: 'listIntegrations',
      method: 'GET',
      path: INTEGRATIONS,
      query: { pageSize, pageNumber },
      schema: OpenIntegrationListingSchema,
      ...call,
    });
  }

  /** `POST …/open` — creation is asynchronous: poll `getIntegration` until `createStatus` is `Completed`. */
  async createIntegration(input: CreateIntegrationInput, options: CallOptions): Promise<OpenIntegration> {
    const body = checkRequest('createIntegration', OpenIntegrationRequestSchema, {
      name: input.name,
      outboundNotificationWebhookUrl: input.webhookUrl,
      outboundNotificationWebhookSignatureSecretToken: input.webhookSecret,
      ...(input.webhookHeaders === undefined ? {} : { webhookHeaders: input.webhookHeaders }),
      ...(input.supportedContentId === undefined
        ? {}
        : { supportedContent: { id: input.supportedContentId } }),
      ...(input.messagingSettingId === undefined
        ? {}
        : { messagingSetting: { id: input.messagingSettingId } }),
    });
    return this.#transport.call({
      operation: 'createIntegration',
      method: 'POST',
      path: INTEGRATIONS,
      body: { json: body },
      schema: OpenIntegrationSchema,
      secrets: [input.webhookSecret],
      ...options,
    });
  }
}
