// Open Messaging integration objects (protocol §2). Creation is asynchronous (`createStatus`
// Initiated → Completed | Error). The webhook secret comes back in the object: it is a secret and is
// dropped from what the client returns (never logged, never echoed).
import { z } from 'zod';
import { EntityRefSchema, Id, listing, optional, StringMapSchema } from './common.ts';

// `outboundNotificationWebhookSignatureSecretToken` is deliberately not in the schema: zod strips it.
export const OpenIntegrationSchema = z.object({
  id: Id,
  name: z.string(),
  outboundNotificationWebhookUrl: optional(z.string()),
  webhookHeaders: optional(StringMapSchema),
  status: optional(z.string()),
  recipient: optional(EntityRefSchema),
  supportedContent: optional(z.object({ id: Id })),
  messagingSetting: optional(z.object({ id: Id })),
  createStatus: optional(z.string()),
  createError: optional(z.object({ message: optional(z.string()), code: optional(z.string()) })),
  dateCreated: optional(z.string()),
  dateModified: optional(z.string()),
});
export type OpenIntegration = z.output<typeof OpenIntegrationSchema>;

export const OpenIntegrationListingSchema = listing(OpenIntegrationSchema);
export type OpenIntegrationListing = z.output<typeof OpenIntegrationListingSchema>;

/** §2 `OpenIntegrationRequest`: the secret must be longer than 15 characters. */
export const OpenIntegrationRequestSchema = z.object({
  name: z.string().min(1),
  outboundNotificationWebhookUrl: z.url({ protocol: /^https?$/ }),
  outboundNotificationWebhookSignatureSecretToken: z.string().min(16, 'must be longer than 15 characters'),
  webhookHeaders: StringMapSchema.optional(),
  supportedContent: z.object({ id: Id }).optional(),
  messagingSetting: z.object({ id: Id }).optional(),
});
