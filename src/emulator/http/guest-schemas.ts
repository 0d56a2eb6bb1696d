// zod schemas for the guest API's request bodies and query strings, and the mapping of validation
// failures onto Genesys' error codes (§5.1, §5.6, §11.1). Unknown body properties are ignored
// (§4 — the SDK passes bodies through and samples add extra fields); null counts as absent.
import { z } from 'zod';
import { GuestApiError } from '../errors.ts';
import { absent, boolParam, intParam, stringParam } from './query-params.ts';

export { parseQuery } from './query-params.ts';

const optionalString = z.string().nullish();

const routingTargetSchema = z.object({
  // §4: working samples send "queue" in lower case; the enum's only value is QUEUE.
  targetType: z.string().refine((v) => v.toUpperCase() === 'QUEUE', { error: 'targetType must be QUEUE' }),
  targetAddress: z.string().trim().min(1),
  skills: z.array(z.string()).nullish(),
  language: optionalString,
  priority: z.number().int().nullish(),
});

const journeyContextSchema = z.object({
  customer: z.object({ id: z.string().min(1), idType: z.string().min(1) }),
  customerSession: z.object({ id: z.string().min(1), type: z.string().min(1) }).nullish(),
  triggeringAction: z
    .object({
      id: z.string().min(1),
      actionMap: z.object({ id: z.string().min(1), version: z.number().int() }),
    })
    .nullish(),
});

/** §6.1 CreateWebChatConversationRequest. */
export const createConversationSchema = z.object({
  organizationId: z.string().trim().min(1),
  deploymentId: z.string().trim().min(1),
  routingTarget: routingTargetSchema,
  memberInfo: z.object({
    displayName: z.string().trim().min(1),
    firstName: optionalString,
    lastName: optionalString,
    email: optionalString,
    phoneNumber: optionalString,
    avatarImageUrl: optionalString,
    // §6.3: values must be strings (schema additionalProperties: string).
    customFields: z.record(z.string(), z.string()).nullish(),
  }),
  memberAuthToken: optionalString,
  journeyContext: journeyContextSchema.nullish(),
});
export type CreateConversationBody = z.infer<typeof createConversationSchema>;

/** §12: message bodies are limited to 4,000 characters (UTF-16 code units, like Java's String.length). */
export const MAX_MESSAGE_LENGTH = 4000;

/** §6.9 CreateWebChatMessageRequest. A guest may send `standard` or `notice`; the system types are the server's. */
export const sendMessageSchema = z.object({
  body: z.string().max(MAX_MESSAGE_LENGTH),
  bodyType: z.enum(['standard', 'notice']).nullish(),
});

/** §6.13 — the PATCH body of a media request (only `state` is acted upon). */
export const patchMediaRequestSchema = z.object({
  state: z.enum(['PENDING', 'ACCEPTED', 'DECLINED', 'TIMEDOUT', 'CANCELLED', 'ERRORED']),
});

/** §5.5 history query. */
export const historyQuerySchema = z.object({
  after: stringParam,
  before: stringParam,
  sortOrder: z.preprocess(
    (v) => (typeof v === 'string' ? absent(v.toLowerCase()) : v),
    z.enum(['ascending', 'descending']).optional(),
  ),
  maxResults: intParam(1, 100),
});

/** §5.3 members query. The pageSize cap of 100 is the emulator's choice (Genesys' is not documented). */
export const membersQuerySchema = z.object({
  pageSize: intParam(1, 100),
  pageNumber: intParam(1, 1_000_000),
  excludeDisconnectedMembers: boolParam,
});

// ---- body error mapping -----------------------------------------------------------------------

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const isMissing = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const constraint = (path: string, message: string): GuestApiError =>
  new GuestApiError(400, 'constraint.validation', `${path}: ${message}`, {
    messageParams: { field: path },
    details: [{ fieldName: path }],
  });

const notNull = (code: string): GuestApiError => new GuestApiError(400, code, 'may not be null');

/** §5.1 journeyContext "notnull" codes, keyed by the missing field's path. */
const JOURNEY_CODES: Readonly<Record<string, string>> = {
  'journeyContext.customer': 'customer',
  'journeyContext.customer.id': 'customer.customerid',
  'journeyContext.customer.idType': 'customer.customeridtype',
  'journeyContext.customerSession.id': 'customersession.sessionid',
  'journeyContext.customerSession.type': 'customersession.sessionidtype',
  'journeyContext.triggeringAction.id': 'triggeringaction.actionid',
  'journeyContext.triggeringAction.actionMap': 'triggeringaction.actionmapid',
  'journeyContext.triggeringAction.actionMap.id': 'triggeringaction.actionmapid',
  'journeyContext.triggeringAction.actionMap.version': 'triggeringaction.actionmapversion',
};

export function parseCreateBody(body: unknown): CreateConversationBody {
  if (body === undefined)
    throw new GuestApiError(400, 'chat.error.bad.request', 'The request body is required.');
  const result = createConversationSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue || issue.path.length === 0)
    throw new GuestApiError(400, 'chat.error.bad.request', 'The request body must be a JSON object.');
  const path = issue.path.join('.');
  const missing = isMissing(valueAt(body, issue.path));
  if (issue.path[0] === 'deploymentId') {
    throw new GuestApiError(
      400,
      'chat.error.pattern.createconversationrequest.deploymentid',
      'may not be null',
    );
  }
  if (path === 'routingTarget' && missing)
    throw notNull('chat.error.notnull.createconversationrequest.routingtarget');
  if (
    issue.path[0] === 'routingTarget' &&
    (issue.path[1] === 'targetType' || issue.path[1] === 'targetAddress' || path === 'routingTarget')
  ) {
    throw new GuestApiError(
      400,
      'chat.error.createconversationrequest.routingtarget',
      'The routing target is not valid.',
      {
        details: [{ fieldName: path }],
      },
    );
  }
  if ((path === 'memberInfo' || path === 'memberInfo.displayName') && missing) {
    throw notNull('chat.error.notnull.createconversationrequest.memberinfo.displayname');
  }
  const journey = JOURNEY_CODES[path];
  if (journey !== undefined && missing)
    throw notNull(`chat.error.notnull.createconversationrequest.journeycontext.${journey}`);
  throw constraint(path, issue.message);
}

export function parseSendBody(body: unknown): z.infer<typeof sendMessageSchema> {
  const result = sendMessageSchema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue || issue.path.length === 0)
    throw new GuestApiError(400, 'chat.error.bad.request', 'The request body must be a JSON object.');
  const path = issue.path.join('.');
  if (path === 'body' && valueAt(body, ['body']) == null) {
    throw notNull('chat.error.notnull.createconversationmessagerequest.body');
  }
  if (path === 'body' && issue.code === 'too_big') {
    // §5.6 / §12: over-long bodies. Genesys' exact code is unknown [U]; the emulator answers the
    // generic bean-validation code listed for every operation (§11.1).
    throw new GuestApiError(
      400,
      'constraint.validation',
      `body: size must be between 0 and ${MAX_MESSAGE_LENGTH}`,
      {
        messageParams: { field: 'body', max: String(MAX_MESSAGE_LENGTH) },
        details: [{ fieldName: 'body', errorCode: 'size' }],
      },
    );
  }
  throw constraint(path, issue.message);
}

export function parsePatchMediaRequest(body: unknown): z.infer<typeof patchMediaRequestSchema> {
  const result = patchMediaRequestSchema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw constraint(issue?.path.join('.') || 'body', issue?.message ?? 'invalid');
}
