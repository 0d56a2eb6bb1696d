// Bodies of the three inbound endpoints (OM doc §3.1–§3.3): `OpenInboundNormalizedMessage`,
// `OpenInboundNormalizedEvent`, `OpenInboundNormalizedReceipt`. Unknown properties are ignored —
// peers send the legacy fields `channel.platform`, `channel.type`, `channel.to`, `type`, `direction`
// to the typed endpoints without harm (§3.1).
import { z } from 'zod';
import { platformErrors } from '../platform/errors.ts';
import { parsePlatformBody } from '../platform/body.ts';

const ID_TYPES = { email: 'Email', phone: 'Phone', opaque: 'Opaque' } as const;

/** §3.1: `Email|Phone|Opaque`, accepted case-insensitively (`"email"` worked). */
const idTypeSchema = z.string().transform((value, ctx) => {
  const canonical = ID_TYPES[value.toLowerCase() as keyof typeof ID_TYPES] as
    (typeof ID_TYPES)[keyof typeof ID_TYPES] | undefined;
  if (canonical === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be one of Email, Phone, Opaque' });
    return z.NEVER;
  }
  return canonical;
});

/** §3.1: ISO-8601 `yyyy-MM-ddTHH:mm:ss[.mmm]Z`. */
const timeSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
    'must be an ISO-8601 UTC time (yyyy-MM-ddTHH:mm:ss.SSSZ)',
  )
  .refine((value) => !Number.isNaN(Date.parse(value)), 'is not a valid time');

const optionalText = z.string().max(1000).nullish();

export const fromSchema = z.object({
  id: z.string().trim().min(1).max(255),
  idType: idTypeSchema,
  nickname: optionalText,
  firstName: optionalText,
  lastName: optionalText,
  image: optionalText,
  email: optionalText,
});

const stringMap = z.record(z.string(), z.string());

/** §6: custom attributes ride on `channel.metadata.customAttributes` (string → string). */
const channelMetadataSchema = z.object({ customAttributes: stringMap.optional() });

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), 'must be an http(s) URL');

export const attachmentSchema = z.object({
  id: z.string().min(1).max(255).optional(),
  mediaType: z.enum(['Image', 'Video', 'Audio', 'File', 'Link']),
  url: httpUrl,
  mime: z.string().min(1).max(255),
  text: z.string().max(1000).optional(),
  sha256: z.string().max(128).optional(),
  filename: z.string().max(255).optional(),
});

export const inboundMessageSchema = z.object({
  channel: z.object({
    from: fromSchema,
    time: timeSchema,
    messageId: z.string().min(1).max(255).optional(),
    metadata: channelMetadataSchema.optional(),
  }),
  text: z.string().optional(),
  // Peers add `contentType:"Attachment"` although the inbound model has no such field (§3.1).
  content: z
    .array(z.object({ contentType: z.literal('Attachment').optional(), attachment: attachmentSchema }))
    .optional(),
  metadata: stringMap.optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const inboundEventSchema = z.object({
  channel: z.object({ from: fromSchema, time: timeSchema }),
  // §3.2: Typing is the only event type of the contract; `typing` is optional [U].
  events: z
    .array(
      z.object({
        eventType: z.literal('Typing'),
        typing: z.object({ type: z.literal('On'), duration: z.number().int().min(1).optional() }).optional(),
      }),
    )
    .min(1),
});
export type InboundEvent = z.infer<typeof inboundEventSchema>;

/** §3.3: the Failed reason codes of the docs. */
export const FAILURE_CODES = [
  'MessageExpired',
  'RateLimited',
  'MessageNotAllowed',
  'GeneralError',
  'UnsupportedMessage',
  'UnknownMessage',
  'InvalidMessageStructure',
  'InvalidDestination',
  'ServerError',
  'MediaTypeNotAllowed',
  'InvalidMediaContentLength',
  'RecipientOptedOut',
  'DataFiltered',
] as const;

export const inboundReceiptSchema = z.object({
  id: z.string().min(1).max(255),
  channel: z.object({
    to: z.object({ id: z.string().trim().min(1).max(255), idType: idTypeSchema.optional() }),
    time: timeSchema,
  }),
  // §3.3: the contract enum is wider, but the docs accept only Delivered and Failed here.
  status: z.enum(['Delivered', 'Failed'], { error: 'only Delivered and Failed are accepted' }),
  reasons: z
    .array(z.object({ code: z.enum(FAILURE_CODES).optional(), message: z.string().min(1).max(1000) }))
    .optional(),
  isFinalReceipt: z.boolean().optional(),
});
export type InboundReceipt = z.infer<typeof inboundReceiptSchema>;

/** §6: a nested object in root `metadata` (string map) is 400 "malformed syntax", not a field error. */
function rootMetadataIsMalformed(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const metadata = (body as { metadata?: unknown }).metadata;
  if (metadata === undefined) return false;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return true;
  return Object.values(metadata).some((v) => typeof v !== 'string');
}

export function parseInboundMessage(body: unknown, maxTextLength: number): InboundMessage {
  if (rootMetadataIsMalformed(body)) throw platformErrors.malformed();
  const message = parsePlatformBody(inboundMessageSchema, body);
  const hasText = message.text !== undefined && message.text !== '';
  if (!hasText && (message.content === undefined || message.content.length === 0)) {
    // §3.1: the captured validation text (W5).
    throw platformErrors.invalidField(
      'text',
      "should have required property 'content', should have required property '.text', should match some schema in anyOf",
    );
  }
  if (message.text !== undefined && message.text.length > maxTextLength)
    throw platformErrors.invalidField('text', `must be at most ${maxTextLength} characters`);
  return message;
}

export function parseInboundReceipt(body: unknown): InboundReceipt {
  const receipt = parsePlatformBody(inboundReceiptSchema, body);
  if (receipt.status !== 'Failed' && receipt.reasons !== undefined && receipt.reasons.length > 0)
    throw platformErrors.invalidField('reasons', 'are only allowed with status Failed');
  return receipt;
}
