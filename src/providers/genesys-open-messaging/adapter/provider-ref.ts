// The persisted handle on an Open Messaging conversation. Unlike guest chat's it holds no credential
// (the OAuth token belongs to the client, not to a conversation), only the two keys: the Genesys
// conversation id (every platform call, §5) and our customer id (`channel.from.id`, the conversation
// key of every inbound call, §3.5). It is still parsed strictly when it comes back from the store.
import { z } from 'zod';
import type { ProviderRef } from '../../../core/ports/provider.ts';
import { badRef } from './adapter-errors.ts';

export const OPEN_MESSAGING_KIND = 'genesys-open-messaging';

export interface OpenMessagingConversationRef {
  /** Genesys' conversation id (§5). */
  readonly conversationId: string;
  /** Our `channel.from.id`: the customer-id prefix + the handover id (§3.5). */
  readonly customerId: string;
}

const refSchema = z.object({ conversationId: z.string().min(1), customerId: z.string().min(1) });

export function toProviderRef(ref: OpenMessagingConversationRef): ProviderRef {
  return {
    kind: OPEN_MESSAGING_KIND,
    data: { conversationId: ref.conversationId, customerId: ref.customerId },
  };
}

export function fromProviderRef(ref: ProviderRef): OpenMessagingConversationRef {
  const parsed = ref.kind === OPEN_MESSAGING_KIND ? refSchema.safeParse(ref.data) : undefined;
  if (!parsed?.success) throw badRef();
  return parsed.data;
}
