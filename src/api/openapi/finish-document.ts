// The last step of the OpenAPI document, after the routes' zod schemas became JSON Schema and the
// named ones components (fastify-type-provider-zod): a description for every response by status,
// the request and response examples of src/api/openapi/examples.ts, and for error answers one named
// example per error code of that status (from the catalogue, src/core/errors.ts) — so a reader sees
// which codes a status can carry.
import { ErrorCodes } from '../../core/errors.ts';
import { pruneUnusedSchemas } from './components.ts';
import { OPERATION_EXAMPLES } from './examples.ts';

const STATUS_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
  '400': 'The request is not valid (VALIDATION_FAILED with `details`, MALFORMED_JSON).',
  '401': 'No valid API key (UNAUTHENTICATED).',
  '403': 'This API key may not act on this endpoint (FORBIDDEN).',
  '404': 'Not found (HANDOVER_NOT_FOUND, UNKNOWN_ENDPOINT).',
  '409': 'The handover takes no more input (HANDOVER_NOT_ACTIVE, HANDOVER_ENDING).',
  '413': 'The body is larger than 1 MiB (BODY_TOO_LARGE).',
  '415': 'The body is not application/json (UNSUPPORTED_MEDIA_TYPE).',
  '422': "The endpoint's contact-center path cannot carry this (ATTACHMENTS_NOT_SUPPORTED).",
  '429': 'Too many requests (RATE_LIMITED); wait for `Retry-After`.',
  '500': 'An internal error (INTERNAL); the body says nothing about its cause.',
  '503': 'The gateway is shutting down (SHUTTING_DOWN); try again on another instance or later.',
};

type Json = Record<string, unknown>;

export function finishDocument<T extends Json>(doc: T): T {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      const examples = OPERATION_EXAMPLES[op.operationId as string];
      const body = op.requestBody as { content?: Record<string, Json> } | undefined;
      const json = body?.content?.['application/json'];
      if (json && examples?.request !== undefined) json.example = examples.request;
      const responses = (op.responses ?? {}) as Record<string, Json>;
      for (const [status, response] of Object.entries(responses)) {
        if (response.description === 'Default Response' || response.description === undefined)
          response.description = STATUS_DESCRIPTIONS[status] ?? 'Answer';
        const media = (response.content as Record<string, Json> | undefined)?.['application/json'];
        if (!media) continue;
        const example = examples?.responses?.[status];
        if (example !== undefined) media.example = example;
        else if (Number(status) >= 400) media.examples = errorExamples(Number(status));
      }
    }
  }
  pruneUnusedSchemas(doc);
  return doc;
}

function errorExamples(status: number): Record<string, { summary: string; value: unknown }> {
  const out: Record<string, { summary: string; value: unknown }> = {};
  for (const [code, { status: s, message }] of Object.entries(ErrorCodes)) {
    if (s !== status || code === 'WEBHOOK_SIGNATURE_INVALID' || code === 'NOT_COMMITTED') continue;
    const value =
      code === 'VALIDATION_FAILED'
        ? { error: { code, message, details: [{ path: 'body.customer.userId', message: 'Too small' }] } }
        : { error: { code, message } };
    out[code] = { summary: code, value };
  }
  return out;
}
