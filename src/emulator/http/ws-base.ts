// The ws:// base of URIs the emulator hands out for WebSockets (guest eventStreamUri, notification
// connectUri): the Host the client used (works behind port mappings), else the bound address.
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';

export function wsBase(ctx: EmulatorContext, request: FastifyRequest): string {
  const host = request.headers.host;
  if (host !== undefined && /^[A-Za-z0-9.\-[\]:]+$/.test(host)) return `ws://${host}`;
  return ctx.baseUrl().replace(/^http/, 'ws');
}
