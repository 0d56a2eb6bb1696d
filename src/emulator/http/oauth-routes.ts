// The token endpoint (§1.2–§1.4): client credentials by HTTP Basic (what the SDK sends) or in the
// form body (Genesys accepts both, §1.2), `grant_type=client_credentials`, answered with
// `{access_token, token_type:"bearer", expires_in}`. Bad credentials → the captured 401 invalid_client.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { oauthErrors } from '../oauth/oauth-error.ts';
import { OAUTH_TOKEN_PATHS } from './paths.ts';

const tokenFormSchema = z.record(z.string(), z.string());

interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

function basicCredentials(request: FastifyRequest): Credentials | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  for (const path of OAUTH_TOKEN_PATHS) {
    app.post(path, (request, reply) => {
      const parsed = tokenFormSchema.safeParse(request.body ?? {});
      if (!parsed.success) throw oauthErrors.invalidRequest('The token request must be a form.');
      const form = parsed.data;
      const fromForm =
        form.client_id !== undefined && form.client_secret !== undefined
          ? { clientId: form.client_id, clientSecret: form.client_secret }
          : undefined;
      const credentials = basicCredentials(request) ?? fromForm;
      const client = credentials && ctx.tokens.authenticate(credentials.clientId, credentials.clientSecret);
      if (!client) throw oauthErrors.invalidClient();
      if (form.grant_type === undefined || form.grant_type === '')
        throw oauthErrors.invalidRequest('grant_type is required');
      if (form.grant_type !== 'client_credentials') throw oauthErrors.unsupportedGrantType();
      const issued = ctx.tokens.mint(client);
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return { access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresInSeconds };
    });
  }
}
