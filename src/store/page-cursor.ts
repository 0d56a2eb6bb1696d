// The opaque cursor of `listHandovers`: base64url of the last item's (createdAt, id), the keyset of
// "newest first". Shared by every store adapter so a cursor means the same thing everywhere.
import { z } from 'zod';
import { GatewayError } from '../core/errors.ts';

export interface PageKey {
  readonly createdAt: string;
  readonly id: string;
}

const pageKeySchema = z.tuple([z.string(), z.string()]);

export function encodePageCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id]), 'utf8').toString('base64url');
}

/** A cursor the client tampered with is the client's mistake: a 400, not a 500. */
export function decodePageCursor(cursor: string): PageKey {
  try {
    const [createdAt, id] = pageKeySchema.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    return { createdAt, id };
  } catch {
    throw new GatewayError('VALIDATION_FAILED', {
      details: [{ path: 'cursor', message: 'Not a cursor returned by a previous page.' }],
    });
  }
}
