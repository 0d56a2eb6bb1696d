// Operator tools per configured endpoint. `webhook-test`: one signed `webhook.test` delivery to the
// endpoint's webhook, now, with the outcome as the answer (docs/webhooks.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GatewayError } from '../../core/errors.ts';
import { TAGS } from '../openapi/document.ts';
import { errorResponses, WITH_BODY } from '../openapi/error-responses.ts';
import { endpointIdParams, webhookTestResponse } from '../schemas.ts';

export interface WebhookTestResult {
  readonly delivered: boolean;
  readonly eventId: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

export interface EndpointRoutesDeps {
  /** Sends the test delivery; undefined when no endpoint has this id. */
  readonly testWebhook: (endpointId: string) => Promise<WebhookTestResult | undefined>;
}

export const endpointRoutes =
  (deps: EndpointRoutesDeps): FastifyPluginAsyncZod =>
  (app) => {
    app.post(
      '/endpoints/:id/webhook-test',
      {
        schema: {
          operationId: 'testEndpointWebhook',
          tags: [TAGS.endpoints],
          summary: "Send a signed webhook.test event to the endpoint's webhook now",
          description:
            'Signed and sent like every event (Standard Webhooks headers), but at once, not retried and about no handover. 200 whether or not the receiver accepted it: `delivered`, `status` and `error` tell.',
          security: [{ apiKey: [] }],
          params: endpointIdParams,
          response: { 200: webhookTestResponse, ...errorResponses(...WITH_BODY, 404) },
        },
      },
      async (req) => {
        if (!req.principal.mayUse(req.params.id)) throw new GatewayError('FORBIDDEN');
        const result = await deps.testWebhook(req.params.id);
        if (!result) throw new GatewayError('UNKNOWN_ENDPOINT');
        return result;
      },
    );
    return Promise.resolve();
  };
