// The opaque cursor of `listHandovers`: base64url of the last item's (createdAt, id), the keyset of
// "newest first". Shared by every store adapter so a cursor means the same thing everywhere.
import { z } from 'zod';
import { GatewayError } from '../core/errors.ts';
import type { Handover } from '../core/model/handover.ts';
import { isSafeText } from '../core/text/safe-text.ts';
import type { DeadLetter, Page } from '../core/ports/store/index.ts';

export interface PageKey {
  readonly createdAt: string;
  readonly id: string;
}

// A forged cursor may decode to a NUL or a lone surrogate, which PostgreSQL cannot compare: refused.
const pageKeyPart = z.string().max(200).refine(isSafeText);
const pageKeySchema = z.tuple([pageKeyPart, pageKeyPart]);

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

/** Where a page of dead letters ends: the keyset of "oldest death first". */
export interface DeadLetterKey {
  readonly deadAt: string;
  readonly handoverId: string;
  readonly seq: number;
}

const deadLetterKeySchema = z.tuple([pageKeyPart, pageKeyPart, z.number().int().min(0)]);

/** A dead-letter cursor a client tampered with is a 400, like a handover-list cursor. */
export function decodeDeadLetterCursor(cursor: string): DeadLetterKey {
  try {
    const [deadAt, handoverId, seq] = deadLetterKeySchema.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    return { deadAt, handoverId, seq };
  } catch {
    throw new GatewayError('VALIDATION_FAILED', {
      details: [{ path: 'cursor', message: 'Not a cursor returned by a previous page.' }],
    });
  }
}

/** A page of dead letters from rows fetched with `limit + 1` (see toPage). */
export function toDeadLetterPage(rows: readonly DeadLetter[], limit: number): Page<DeadLetter> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  if (rows.length <= limit || !last) return { items };
  const key = [last.deadAt, last.event.handoverId, last.event.seq];
  return { items, nextCursor: Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') };
}

/**
 * A page from rows fetched with `limit + 1` (one more than asked): the extra row only tells that a
 * next page exists, and the cursor names the last item kept.
 */
export function toPage(rows: readonly Handover[], limit: number): Page<Handover> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return rows.length > limit && last
    ? { items, nextCursor: encodePageCursor({ createdAt: last.createdAt, id: last.id }) }
    : { items };
}
