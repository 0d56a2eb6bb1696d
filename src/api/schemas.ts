// Request and response schemas of the bot-facing API (zod; they also generate the OpenAPI served at
// /docs). Limits are explicit so over-long input is a clear 400, never a crash or a silent cut.
import { z } from 'zod';
import { EndReasons, HandoverStates } from '../core/model/handover.ts';
import { EventTypes } from '../core/model/events.ts';
import { SenderRoles } from '../core/model/transcript.ts';
import { MediaTypes, type MediaType } from '../core/model/attachment.ts';
import { isSafeText } from '../core/text/safe-text.ts';
import { safeString, UNSAFE_TEXT_MESSAGE } from './safe-string.ts';
import { ErrorCodes, type ErrorCode } from '../core/errors.ts';
import { agentSchema as agent, attachmentSchema, failureSchema } from '../contract/events.ts';

const text = (max: number) => safeString().trim().min(1).max(max);

/** Custom attribute values travel as strings (Genesys customFields are map<string,string>, protocol §6.3). */
const attributeValue = z.union([safeString().max(2000), z.number(), z.boolean()]).transform((v) => String(v));

export const startHandoverBody = z
  .object({
    endpoint: text(64).describe('Id of a configured endpoint.'),
    customer: z
      .object({
        userId: text(200),
        sessionId: text(200),
        displayName: text(100)
          .optional()
          .describe("Shown to the agent; defaults to the endpoint's guest display name."),
        firstName: text(100).optional(),
        lastName: text(100).optional(),
        email: z.email().max(254).refine(isSafeText, { error: UNSAFE_TEXT_MESSAGE }).optional(),
        phone: text(50).optional(),
      })
      .strict(),
    settings: z
      .object({
        language: text(100).optional(),
        skills: z.array(text(100)).max(50).optional(),
        priority: z.number().int().min(-1000).max(1000).optional(),
        customAttributes: z
          .record(safeString().min(1).max(200), attributeValue)
          .refine((r) => Object.keys(r).length <= 100, 'at most 100 custom attributes')
          .optional(),
      })
      .strict()
      .optional()
      .describe("Routing settings; each overrides the endpoint's default."),
    transcript: z
      .array(
        z
          .object({
            role: z.enum(['customer', 'bot']),
            text: safeString().max(20_000),
            at: z.iso.datetime({ offset: true }).optional(),
          })
          .strict(),
      )
      .max(1000)
      .optional()
      .describe('The bot conversation so far; the agent receives it as readable text before anything else.'),
  })
  .strict();

/** Largest file Open Messaging takes by URL (§3.5: 25 MB). */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const mediaTypeOfMime = (mime: string): MediaType => {
  const top = mime.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
};

export const attachmentBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .refine(isSafeText, { error: UNSAFE_TEXT_MESSAGE })
      .describe('Where the agent side fetches the file (http or https); the gateway never downloads it.'),
    mime: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type like image/png')
      .max(255),
    mediaType: z
      .enum(MediaTypes)
      .optional()
      .describe('Defaults from the mime type (image, video, audio, else file).'),
    filename: text(255).optional(),
    sizeBytes: z.number().int().min(0).max(MAX_ATTACHMENT_BYTES).optional(),
  })
  .strict()
  .transform(({ mediaType, ...a }) => ({ ...a, mediaType: mediaType ?? mediaTypeOfMime(a.mime) }));

export const sendMessageBody = z
  .object({
    text: safeString().trim().max(100_000).optional(),
    attachments: z
      .array(attachmentBody)
      .max(10)
      .optional()
      .describe(
        'Files by URL (Open Messaging endpoints only; guest chat answers 422 ATTACHMENTS_NOT_SUPPORTED).',
      ),
  })
  .strict()
  .refine((b) => (b.text?.length ?? 0) > 0 || (b.attachments?.length ?? 0) > 0, {
    error: 'text or attachments is required',
    path: ['text'],
  });

export const handoverIdParams = z.object({ id: z.uuid() });

/** Idempotency-Key (IETF draft): any printable string up to 200 characters, unique per handover. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'printable ASCII, 1 to 200 characters')
    .optional(),
});

/** SSE resume point: an event id or a bare seq (anything else restarts from the beginning). */
export const lastEventIdHeaders = z.object({ 'last-event-id': safeString().max(200).optional() });

export const listQuery = z
  .object({
    endpoint: text(64).optional(),
    state: z.enum(HandoverStates).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: safeString().max(500).optional(),
  })
  .strict();

export const handoverResponse = z.object({
  id: z.string(),
  endpoint: z.string(),
  state: z.enum(HandoverStates),
  endReason: z.enum(EndReasons).optional(),
  failure: failureSchema.optional(),
  customer: z.object({
    userId: z.string(),
    sessionId: z.string(),
    displayName: z.string(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  }),
  settings: z.object({
    queue: z.string(),
    language: z.string().optional(),
    skills: z.array(z.string()),
    priority: z.number().optional(),
    customAttributes: z.record(z.string(), z.string()),
  }),
  agent: agent.optional(),
  closing: z
    .object({ reason: z.enum(EndReasons), requestedAt: z.string() })
    .optional()
    .describe('Set while an asked-for end is in progress; the handover then ends with this reason.'),
  lastEventSeq: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.string().optional(),
});

export const handoverListResponse = z.object({
  items: z.array(handoverResponse),
  nextCursor: z.string().optional(),
});

export const transcriptResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      role: z.enum(SenderRoles),
      text: z.string(),
      at: z.string(),
      senderName: z.string().optional(),
      attachments: z.array(attachmentSchema).optional(),
      delivery: z
        .enum(['pending', 'sent', 'undelivered'])
        .optional()
        .describe(
          'For customer messages: whether the agent side has it (undelivered: the handover ended first; listed in handover.ended).',
        ),
    }),
  ),
});

export const sendMessageResponse = z.object({
  parts: z.array(z.object({ id: z.string(), order: z.number().int(), length: z.number().int() })),
});

export const typingResponse = z.object({ forwarded: z.boolean() });

export const presenceBody = z.object({ status: z.enum(['away', 'back']) }).strict();
export const presenceResponse = z.object({
  notified: z.boolean().describe('Whether the agent gets a notice (the endpoint may turn it off).'),
});

export const deadLettersQuery = z
  .object({
    endpoint: text(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: safeString().max(500).optional(),
  })
  .strict();

export const deadLettersResponse = z.object({
  items: z.array(
    z.object({
      event: z
        .object({
          id: z.string(),
          type: z.enum(EventTypes),
          handoverId: z.string(),
          endpointId: z.string(),
          seq: z.number().int(),
        })
        .loose(),
      attempts: z.number().int(),
      lastError: z.string(),
      deadAt: z.string(),
    }),
  ),
  nextCursor: z.string().optional(),
});

export const replayBody = z
  .object({ handoverId: z.uuid().optional(), eventId: z.uuid().optional() })
  .strict()
  .describe(
    'Replays the dead letters of one handover, or one event; with neither, all dead letters (keys for every endpoint only).',
  );
export const replayResponse = z.object({ replayed: z.number().int() });

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** ENDPOINT_CLOSED: when the endpoint opens next (null when unknown, e.g. an emergency). */
    nextOpening: z.string().nullable().optional(),
  }),
});

export const endpointIdParams = z.object({ id: text(64) });

export const webhookTestResponse = z.object({
  delivered: z.boolean().describe("Whether the endpoint's webhook answered 2xx."),
  eventId: z.string().describe('The webhook-id of the test delivery.'),
  status: z.number().int().optional().describe("The receiver's HTTP status, when it answered."),
  error: z
    .string()
    .optional()
    .describe('Why it was not delivered: no URL or secret, timeout, network error, status.'),
  durationMs: z.number().int(),
});
