// The adapter's own failures, as ProviderErrors with stable codes (the client's failures keep the
// client's codes, map-errors.ts). Messages are shown on /readyz and in handover.failed: they say what
// is wrong in plain words and never carry a secret, a token or a message text.
import { ProviderError } from '../../../core/ports/provider.ts';

export const OpenMessagingAdapterCodes = {
  /** The first message was accepted but Genesys named no conversation (§3.1 prefetchConversationId). */
  NO_CONVERSATION_ID: 'OM_NO_CONVERSATION_ID',
  /** The Genesys conversation has ended: a message now would start a new one (§3.5). */
  CONVERSATION_ENDED: 'OM_CONVERSATION_ENDED',
  /** A message started a new Genesys conversation after the handover's had ended (§3.5); it was closed again. */
  NEW_CONVERSATION: 'OM_NEW_CONVERSATION',
  /** A stored provider handle that is not an Open Messaging conversation. */
  BAD_REF: 'OM_BAD_REF',
  /** check(): the OAuth client credentials were refused (§1.4 invalid_client). */
  AUTH_FAILED: 'OM_AUTH_FAILED',
  /** check(): the configured integration does not exist (§2). */
  INTEGRATION_NOT_FOUND: 'OM_INTEGRATION_NOT_FOUND',
  /** check(): the integration exists but is not usable (createStatus not Completed, §2). */
  INTEGRATION_NOT_READY: 'OM_INTEGRATION_NOT_READY',
  /** check(): the OAuth client may not read the integration (permission messaging:integration:view, §2). */
  PERMISSION_DENIED: 'OM_PERMISSION_DENIED',
} as const;

export function noConversationId(): ProviderError {
  return new ProviderError('Genesys accepted the first message but named no conversation for it', {
    code: OpenMessagingAdapterCodes.NO_CONVERSATION_ID,
    retryable: false,
  });
}

/** Refused before sending: nothing reached Genesys. */
export function conversationEnded(): ProviderError {
  return new ProviderError('The Genesys conversation has ended; it takes no more messages', {
    code: OpenMessagingAdapterCodes.CONVERSATION_ENDED,
    retryable: false,
    notProcessed: true,
    conversationOver: true,
  });
}

export function newConversationStarted(): ProviderError {
  return new ProviderError(
    'The Genesys conversation had ended and the message started a new one; that one was closed again',
    { code: OpenMessagingAdapterCodes.NEW_CONVERSATION, retryable: false, conversationOver: true },
  );
}

export function badRef(): ProviderError {
  return new ProviderError('The stored provider handle is not an Open Messaging conversation', {
    code: OpenMessagingAdapterCodes.BAD_REF,
    retryable: false,
    notProcessed: true,
  });
}
