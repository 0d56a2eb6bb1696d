// Names the API's shared schemas (src/api/schemas.ts) so the OpenAPI document has them once under
// `components/schemas` and `$ref`s them everywhere (the event schemas name themselves in
// src/contract/events.ts). In zod's global registry, which fastify-type-provider-zod reads.
import type { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse, handoverListResponse, handoverResponse, transcriptResponse } from '../schemas.ts';

const NAMED: readonly [z.ZodType, { id: string; description: string }][] = [
  [handoverResponse, { id: 'Handover', description: 'A bot conversation handed to a human agent.' }],
  [handoverListResponse, { id: 'HandoverPage', description: 'One page of handovers, newest first.' }],
  [transcriptResponse, { id: 'Transcript', description: 'Everything said in a handover, in order.' }],
  [
    errorResponse,
    {
      id: 'Error',
      description:
        'Every error answer: `code` is stable (the error catalogue); new codes may be added, so treat an unknown one by its HTTP status.',
    },
  ],
];

/** Idempotent: an app built twice in one process (tests, restarts) registers once. */
export function nameSharedSchemas(): void {
  for (const [schema, meta] of NAMED) if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, meta);
}

/** Drops components nothing refers to (the library emits an input and an output variant of each). */
export function pruneUnusedSchemas(doc: Record<string, unknown>): void {
  const components = doc.components as { schemas?: Record<string, unknown> } | undefined;
  const schemas = components?.schemas;
  if (!schemas) return;
  for (;;) {
    const text = JSON.stringify(doc);
    const unused = Object.keys(schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    if (unused.length === 0) return;
    for (const name of unused) Reflect.deleteProperty(schemas, name);
  }
}

/**
 * Answers and events may gain fields in a newer gateway (docs/webhooks.md): only the request bodies
 * the gateway refuses extra fields in (`.strict()`) say `additionalProperties: false`.
 */
type ZodToJsonConfig = NonNullable<Parameters<typeof createJsonSchemaTransform>[0]['zodToJsonConfig']>;

export const zodToJsonConfig: ZodToJsonConfig = {
  override: ({ zodSchema, jsonSchema }) => {
    const def = zodSchema._zod.def as { type: string; catchall?: { _zod: { def: { type: string } } } };
    if (
      def.type === 'object' &&
      def.catchall?._zod.def.type !== 'never' &&
      jsonSchema.additionalProperties === false
    )
      delete jsonSchema.additionalProperties;
  },
};
