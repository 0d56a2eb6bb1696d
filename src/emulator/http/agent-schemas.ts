// zod schemas of the emulator's agent and fault API, and the mapping of their failures onto
// `{error:{code:"validation_failed", details:[{path,message}]}}`.
import { z } from 'zod';
import { EmulatorApiError } from '../errors.ts';
import { MAX_MESSAGE_LENGTH } from './guest-schemas.ts';

export const agentChoiceSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(),
});

/** accept / reject: the alerting agent's member id; default the one being offered the chat. */
export const alertingAgentSchema = z.strictObject({ agentId: z.string().min(1).optional() });

export const agentMessageSchema = z.strictObject({
  body: z.string().max(MAX_MESSAGE_LENGTH),
  bodyType: z.enum(['standard', 'notice']).optional(),
});

/** An agent's file for an Open Messaging chat, base64 in JSON (what the console's file picker sends). */
export const agentAttachmentSchema = z.strictObject({
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine(
      (name) => !['/', '\\', '\u0000'].some((c) => name.includes(c)),
      'must be a file name, not a path',
    ),
  mime: z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, 'must be a MIME type like image/png'),
  contentBase64: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  /** Text sent with the file in the same message (absent: attachment only, §4.1). */
  text: z.string().max(MAX_MESSAGE_LENGTH).optional(),
});

export const mediaRequestCreateSchema = z.strictObject({
  types: z.array(z.enum(['COBROWSE', 'SCREENSHARE'])).min(1),
  name: z.string().max(200).optional(),
});

export const conversationListQuerySchema = z.object({
  state: z.enum(['awaiting-stream', 'queued', 'alerting', 'connected', 'ended']).optional(),
  kind: z.enum(['guest-chat', 'open-messaging']).optional(),
});

/** REST faults hit the guest API unless `api: "platform"` (OAuth token endpoint and `/api/v2/...`). */
const faultApi = z.enum(['guest-chat', 'platform']).optional();

export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('drop-streams'), conversationId: z.string().min(1).optional() }),
  // §1.4: every access token (of one OAuth client, or all) expires now; the next API call is 401.
  z.strictObject({ kind: z.literal('expire-tokens'), clientId: z.string().min(1).optional() }),
  z.strictObject({
    kind: z.literal('http-error'),
    status: z.union([z.literal(429), z.literal(500), z.literal(503), z.literal(504)]),
    count: z.number().int().min(1).max(10_000).default(1),
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
    api: faultApi,
    conversationId: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('delay'),
    delayMs: z.number().int().min(1).max(120_000),
    count: z.number().int().min(1).max(10_000).default(1),
    api: faultApi,
    conversationId: z.string().min(1).optional(),
  }),
  // OM doc §4.5: at-least-once, no ordering guarantee — the webhook sender can be made to show both.
  z.strictObject({
    kind: z.literal('webhook-duplicate'),
    count: z.number().int().min(1).max(10_000).default(1),
    integrationId: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('webhook-delay'),
    delayMs: z.number().int().min(1).max(120_000),
    count: z.number().int().min(1).max(10_000).default(1),
    integrationId: z.string().min(1).optional(),
  }),
  // OM doc §4.6: close notification sockets (of one channel, or all). `drop`: no close frame, like a
  // network failure; `socket-closing`: v2.system.socket_closing first, then a normal close.
  z.strictObject({
    kind: z.literal('drop-notification-sockets'),
    channelId: z.string().min(1).optional(),
    mode: z.enum(['drop', 'socket-closing']).default('drop'),
  }),
  // Garbled or hostile text frames on a conversation's guest event stream, as they are (not JSON-
  // encoded): how a client copes with a broken or compromised upstream (its parser must not throw).
  z.strictObject({
    kind: z.literal('raw-frames'),
    conversationId: z.string().min(1),
    frames: z.array(z.string().max(65_536)).min(1).max(1_000),
  }),
  z.strictObject({
    kind: z.literal('webhook-reorder'),
    count: z.number().int().min(2).max(100).default(2),
    maxHoldMs: z.number().int().min(1).max(120_000).default(2000),
    integrationId: z.string().min(1).optional(),
  }),
]);

export function parseAgentBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new EmulatorApiError(
    400,
    'validation_failed',
    'The request is not valid.',
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  );
}

/** Routes without a body accept none, `{}`, or nothing else. */
export const emptyBodySchema = z.strictObject({});
