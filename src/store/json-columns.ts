// Schemas of the JSON columns. A database is a trust boundary too: rows written by an older version,
// or edited by hand, are checked on the way out instead of flowing into the core as lies.
// `exactOptional` matches the model's optional properties under exactOptionalPropertyTypes.
import { z } from 'zod';
import { EndReasons } from '../core/model/handover.ts';
import type { AgentInfo, Closing, Customer, Failure, RoutingSettings } from '../core/model/handover.ts';
import type { EventDataByType, EventType, UndeliveredMessage } from '../core/model/events.ts';
import type { ProviderRef } from '../core/ports/provider.ts';
import { MediaTypes, type Attachment } from '../core/model/attachment.ts';

const optionalString = z.string().exactOptional();

export const customerSchema = z.object({
  userId: z.string(),
  sessionId: z.string(),
  displayName: z.string(),
  firstName: optionalString,
  lastName: optionalString,
  email: optionalString,
  phoneNumber: optionalString,
}) satisfies z.ZodType<Customer>;

export const routingSettingsSchema = z.object({
  queue: z.string(),
  language: optionalString,
  skills: z.array(z.string()),
  priority: z.number().exactOptional(),
  customAttributes: z.record(z.string(), z.string()),
}) satisfies z.ZodType<RoutingSettings>;

export const agentInfoSchema = z.object({
  id: z.string(),
  displayName: optionalString,
  avatarUrl: optionalString,
}) satisfies z.ZodType<AgentInfo>;

export const failureSchema = z.object({ code: z.string(), message: z.string() }) satisfies z.ZodType<Failure>;

export const closingSchema = z.object({
  reason: z.enum(EndReasons),
  message: optionalString,
  failure: failureSchema.exactOptional(),
  requestedAt: z.string(),
}) satisfies z.ZodType<Closing>;

export const providerRefSchema = z.object({
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<ProviderRef>;

export const attachmentSchema = z.object({
  url: z.string(),
  mediaType: z.enum(MediaTypes),
  mime: optionalString,
  filename: optionalString,
  sizeBytes: z.number().exactOptional(),
}) satisfies z.ZodType<Attachment>;

export const attachmentsSchema = z.array(attachmentSchema);

const messageIdAndText = {
  messageId: z.string(),
  text: z.string(),
  attachments: attachmentsSchema.exactOptional(),
};

const undeliveredSchema = z.object({
  id: z.string(),
  order: z.number().int(),
  clientMessageId: optionalString,
  text: z.string(),
}) satisfies z.ZodType<UndeliveredMessage>;

/** Event payloads by type: the `data` column of `events`. */
export const eventDataSchemas = {
  'handover.queued': z.object({ queue: z.string() }),
  'handover.agent_joined': z.object({ agent: agentInfoSchema }),
  'handover.agent_message': z.object({ ...messageIdAndText, agent: agentInfoSchema }),
  'handover.agent_typing': z.object({ agent: agentInfoSchema, expiresInMs: z.number() }),
  'handover.agent_left': z.object({ agent: agentInfoSchema }),
  'handover.transferred': z.object({ from: agentInfoSchema.exactOptional(), to: agentInfoSchema }),
  'handover.system_message': z.object({ ...messageIdAndText, source: z.enum(['system', 'notice']) }),
  'handover.wait_estimate': z.object({
    estimatedWaitSeconds: z.number().exactOptional(),
    position: z.number().int().exactOptional(),
  }),
  'handover.ended': z.object({
    reason: z.enum(EndReasons),
    message: optionalString,
    error: failureSchema.exactOptional(),
    undelivered: z.array(undeliveredSchema).exactOptional(),
  }),
  'handover.failed': z.object({
    error: failureSchema,
    undelivered: z.array(undeliveredSchema).exactOptional(),
  }),
} satisfies { [T in EventType]: z.ZodType<EventDataByType[T]> };

/** `{ type, data }` of an event, checked together so the payload matches its type. */
export const typedEventDataSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('handover.queued'), data: eventDataSchemas['handover.queued'] }),
  z.object({ type: z.literal('handover.agent_joined'), data: eventDataSchemas['handover.agent_joined'] }),
  z.object({ type: z.literal('handover.agent_message'), data: eventDataSchemas['handover.agent_message'] }),
  z.object({ type: z.literal('handover.agent_typing'), data: eventDataSchemas['handover.agent_typing'] }),
  z.object({ type: z.literal('handover.agent_left'), data: eventDataSchemas['handover.agent_left'] }),
  z.object({ type: z.literal('handover.transferred'), data: eventDataSchemas['handover.transferred'] }),
  z.object({ type: z.literal('handover.system_message'), data: eventDataSchemas['handover.system_message'] }),
  z.object({ type: z.literal('handover.wait_estimate'), data: eventDataSchemas['handover.wait_estimate'] }),
  z.object({ type: z.literal('handover.ended'), data: eventDataSchemas['handover.ended'] }),
  z.object({ type: z.literal('handover.failed'), data: eventDataSchemas['handover.failed'] }),
]);

export function parseJsonText(text: string, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not rethrown: V8's SyntaxError quotes the text it choked on.
    throw new Error(`column ${column} does not hold valid JSON`);
  }
}

export function checkColumn<T>(schema: z.ZodType<T>, value: unknown, column: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const paths = result.error.issues.map((i) => i.path.map(String).join('.') || '(root)').join(', ');
  throw new Error(`column ${column} does not match its schema at ${paths}`);
}
