// WebChatMessage, its list envelope and WebChatTyping (protocol §6.7, §6.8, §6.10, §7.3).
import { z } from 'zod';
import { Id, IdRef, MAX_INBOUND_BODY, MAX_NAME, capped, optional } from './optional.ts';

export const MESSAGE_BODY_TYPES = [
  'standard',
  'notice',
  'member-join',
  'member-leave',
  'media-request',
] as const;
export type MessageBodyType = (typeof MESSAGE_BODY_TYPES)[number];
export const MessageBodyTypeSchema = z.enum(MESSAGE_BODY_TYPES);

/** The two body types a guest sends (§5.6, §7.3); the others are system-generated. */
export type OutboundBodyType = 'standard' | 'notice';

/** §6.9: "message bodies are limited to 4,000 characters". */
export const MAX_MESSAGE_BODY_LENGTH = 4000;

/** §5.5: `maxResults` default and maximum. */
export const MAX_HISTORY_PAGE_SIZE = 100;

/**
 * A message as returned by send / get / history. `id` is read-only-optional in the swagger but the
 * gateway dedupes and resumes history by it, so a message without one is rejected. `sender` carries
 * only `id` in practice (§5.6), so only `id` is required there.
 */
export const WebChatMessageSchema = z.object({
  id: Id,
  conversation: IdRef,
  sender: IdRef,
  body: capped(MAX_INBOUND_BODY),
  bodyType: MessageBodyTypeSchema,
  timestamp: z.string(),
  name: optional(capped(MAX_NAME)),
  selfUri: optional(z.string()),
});

export type WebChatMessage = z.output<typeof WebChatMessageSchema>;

/** History page (§6.8). `next`/`previousPage` are plain strings of unknown form (§5.5 [U]). */
export const MessagePageSchema = z.object({
  entities: optional(z.array(WebChatMessageSchema)).transform((v) => v ?? []),
  pageSize: optional(z.number().int()),
  next: optional(z.string()),
  previousPage: optional(z.string()),
  selfUri: optional(z.string()),
});

export type MessagePage = z.output<typeof MessagePageSchema>;

/** Typing response (§6.10): all fields required by the contract. */
export const WebChatTypingSchema = z.object({
  id: Id,
  conversation: IdRef,
  sender: IdRef,
  timestamp: z.string(),
});

export type WebChatTyping = z.output<typeof WebChatTypingSchema>;
