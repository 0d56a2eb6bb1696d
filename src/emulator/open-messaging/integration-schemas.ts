// Bodies of the integration routes (§2): `OpenIntegrationRequest` (create) and
// `OpenIntegrationUpdateRequest` (PATCH; the SDK model marks `name` required there too). Unknown
// properties are ignored (the SDK models carry `id`/`selfUri`). Rules beyond the types:
// - the secret "must be longer than 15 characters" (§2);
// - the webhook URL is absolute http(s); Genesys only calls public HTTPS on port 443 (§2), which the
//   emulator enforces only with `requireHttpsWebhooks` (tests and demos use http://127.0.0.1);
// - webhookHeaders are valid header names and may not replace the headers Genesys sets itself.
import { z } from 'zod';
import { platformErrors } from '../platform/errors.ts';
import type { IntegrationFields } from './integration.ts';

const HEADER_NAME = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'x-hub-signature-256']);
const MIN_SECRET_LENGTH = 16;

const ref = z.object({ id: z.string().min(1) });

const fields = {
  name: z.string().trim().min(1).max(255),
  outboundNotificationWebhookUrl: z.string().min(1),
  outboundNotificationWebhookSignatureSecretToken: z.string(),
  webhookHeaders: z.record(z.string(), z.string()).nullish(),
  supportedContent: ref.nullish(),
  messagingSetting: ref.nullish(),
};

export const createIntegrationSchema = z.object(fields);

export const updateIntegrationSchema = z.object({
  ...fields,
  outboundNotificationWebhookUrl: fields.outboundNotificationWebhookUrl.optional(),
  outboundNotificationWebhookSignatureSecretToken:
    fields.outboundNotificationWebhookSignatureSecretToken.optional(),
});

type CreateBody = z.infer<typeof createIntegrationSchema>;
type UpdateBody = z.infer<typeof updateIntegrationSchema>;

export function checkWebhookUrl(url: string, requireHttps: boolean): void {
  const field = 'outboundNotificationWebhookUrl';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw platformErrors.invalidField(field, 'must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw platformErrors.invalidField(field, 'must be an http(s) URL');
  if (requireHttps && (parsed.protocol !== 'https:' || (parsed.port !== '' && parsed.port !== '443')))
    throw platformErrors.invalidField(field, 'only HTTPS webhook URLs on port 443 are supported');
}

export function checkSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH)
    throw platformErrors.invalidField(
      'outboundNotificationWebhookSignatureSecretToken',
      'must be longer than 15 characters',
    );
}

function checkHeaders(headers: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME.test(name))
      throw platformErrors.invalidField(`webhookHeaders.${name}`, 'is not a valid header name');
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw platformErrors.invalidField(`webhookHeaders.${name}`, 'is set by Genesys and cannot be replaced');
  }
}

export function toCreateFields(body: CreateBody, requireHttps: boolean): IntegrationFields {
  checkWebhookUrl(body.outboundNotificationWebhookUrl, requireHttps);
  checkSecret(body.outboundNotificationWebhookSignatureSecretToken);
  if (body.webhookHeaders) checkHeaders(body.webhookHeaders);
  return {
    name: body.name,
    outboundNotificationWebhookUrl: body.outboundNotificationWebhookUrl,
    outboundNotificationWebhookSignatureSecretToken: body.outboundNotificationWebhookSignatureSecretToken,
    ...(body.webhookHeaders ? { webhookHeaders: body.webhookHeaders } : {}),
    ...(body.supportedContent ? { supportedContentId: body.supportedContent.id } : {}),
    ...(body.messagingSetting ? { messagingSettingId: body.messagingSetting.id } : {}),
  };
}

export function toUpdateFields(body: UpdateBody, requireHttps: boolean): Partial<IntegrationFields> {
  if (body.outboundNotificationWebhookUrl !== undefined)
    checkWebhookUrl(body.outboundNotificationWebhookUrl, requireHttps);
  if (body.outboundNotificationWebhookSignatureSecretToken !== undefined)
    checkSecret(body.outboundNotificationWebhookSignatureSecretToken);
  if (body.webhookHeaders) checkHeaders(body.webhookHeaders);
  return {
    name: body.name,
    ...(body.outboundNotificationWebhookUrl !== undefined
      ? { outboundNotificationWebhookUrl: body.outboundNotificationWebhookUrl }
      : {}),
    ...(body.outboundNotificationWebhookSignatureSecretToken !== undefined
      ? {
          outboundNotificationWebhookSignatureSecretToken:
            body.outboundNotificationWebhookSignatureSecretToken,
        }
      : {}),
    ...(body.webhookHeaders !== undefined ? { webhookHeaders: body.webhookHeaders ?? undefined } : {}),
    ...(body.supportedContent ? { supportedContentId: body.supportedContent.id } : {}),
    ...(body.messagingSetting ? { messagingSettingId: body.messagingSetting.id } : {}),
  };
}
