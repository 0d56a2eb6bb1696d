// JSON projection of an integration: the SDK's `OpenIntegration` model (§2), shaped like the real
// object of the protocol doc (status "active", recipient ref, supportedContent ref, selfUri).
import type { Integration } from './integration.ts';

export const INTEGRATIONS_PATH = '/api/v2/conversations/messaging/integrations/open';

/** §2 (2021 object): integrations without a profile show the default supported-content profile. */
const DEFAULT_SUPPORTED_CONTENT_ID = 'webMessagingDefault';

export function openIntegrationView(integration: Integration): Record<string, unknown> {
  const supportedContentId = integration.supportedContentId ?? DEFAULT_SUPPORTED_CONTENT_ID;
  return {
    id: integration.id,
    name: integration.name,
    supportedContent: {
      id: supportedContentId,
      selfUri: `/api/v2/conversations/messaging/supportedcontent/${supportedContentId}`,
    },
    ...(integration.messagingSettingId !== undefined
      ? {
          messagingSetting: {
            id: integration.messagingSettingId,
            selfUri: `/api/v2/conversations/messaging/settings/${integration.messagingSettingId}`,
          },
        }
      : {}),
    outboundNotificationWebhookUrl: integration.outboundNotificationWebhookUrl,
    // §2: the real object echoes the secret back (the 2021 capture shows it).
    outboundNotificationWebhookSignatureSecretToken:
      integration.outboundNotificationWebhookSignatureSecretToken,
    ...(integration.webhookHeaders !== undefined ? { webhookHeaders: integration.webhookHeaders } : {}),
    status: 'active',
    recipient: {
      id: integration.recipientId,
      name: integration.name,
      selfUri: `/api/v2/routing/message/recipients/${integration.recipientId}`,
    },
    dateCreated: integration.dateCreated,
    dateModified: integration.dateModified,
    createdBy: { id: integration.createdBy, selfUri: `/api/v2/users/${integration.createdBy}` },
    modifiedBy: { id: integration.modifiedBy, selfUri: `/api/v2/users/${integration.modifiedBy}` },
    createStatus: integration.createStatus,
    selfUri: `${INTEGRATIONS_PATH}/${integration.id}`,
  };
}
