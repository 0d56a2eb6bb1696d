// The agent console (a static page: plain HTML, CSS and ES modules, no bundler) at /console/.
// It talks only to the agent API and the agent feed of this same emulator.
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console/';

const root = fileURLToPath(new URL('../console/', import.meta.url));

export async function registerConsoleRoute(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: CONSOLE_PATH,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'no-cache');
    },
  });
  // Someone opening the emulator's address in a browser finds the console and the agent API.
  app.get('/', () => ({
    name: 'Genesys Cloud emulator (genesys-handover)',
    console: CONSOLE_PATH,
    agentApi: '/emulator/v1/conversations',
    oauthToken: '/login/oauth/token',
    guestChatApi: '/api/v2/webchat/guest/conversations',
  }));
  app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
  // `/console` → `/console/`, so the page's relative module imports resolve under the prefix.
  app.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
}
