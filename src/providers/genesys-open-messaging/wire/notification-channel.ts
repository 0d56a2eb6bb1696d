// Notifications REST objects (protocol §4.6; SDK 262 `Channel`, `ChannelTopic`,
// `ChannelTopicEntityListing`). A channel is `{id, connectUri, expires}`; subscriptions are lists
// of `{id: <topic>}`, answered with each topic's `state` (Permitted | Rejected).
import { z } from 'zod';
import { Id, list, optional } from './common.ts';

export const NotificationChannelSchema = z.object({
  id: Id,
  connectUri: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URI'),
  // ISO time; channels live 24 h (§4.6). Absent → the client assumes 24 h from creation.
  expires: optional(z.string()),
});
export type NotificationChannel = z.output<typeof NotificationChannelSchema>;

export const NotificationChannelListingSchema = z.object({ entities: list(NotificationChannelSchema) });

export const ChannelTopicSchema = z.object({
  id: Id,
  state: optional(z.string()),
  rejectionReason: optional(z.string()),
  missingPermissions: list(z.string()),
});
export type ChannelTopic = z.output<typeof ChannelTopicSchema>;

export const ChannelTopicListingSchema = z.object({ entities: list(ChannelTopicSchema) });
