// The messages between the main thread and the SQLite writer thread (writer-thread.ts,
// writer-worker.ts), and errors as they cross: structured clone keeps neither an error's class nor
// its `code`, and callers tell a version conflict and a duplicate provider message by their class.
import { DuplicateProviderMessageError, VersionConflictError } from '../../core/ports/store/index.ts';
import { RefusedWrite } from '../group-commit.ts';
import type { SqliteWriteOp } from './sqlite-writer.ts';

/** An error as it crosses the thread boundary (structured clone keeps neither class nor `code`). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** Set for a VersionConflictError and a DuplicateProviderMessageError. */
  readonly handoverId?: string;
  /** Set for a DuplicateProviderMessageError. */
  readonly providerMessageId?: string;
}

/** Main thread → writer: a batch (one transaction) or one write alone. */
export type WriterRequest =
  | { readonly id: number; readonly kind: 'batch'; readonly ops: readonly SqliteWriteOp[] }
  | { readonly id: number; readonly kind: 'one'; readonly op: SqliteWriteOp }
  | { readonly id: number; readonly kind: 'close' };

/**
 * Writer → main thread: what the writes returned, or why the request failed (nothing stored). A
 * batch's refused writes (RefusedWrite) travel apart, by index: their value in `value` is null.
 */
export type WriterReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      readonly refused?: readonly { readonly index: number; readonly error: WireError }[];
    }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** A batch's values as they cross: refusals taken out (structured clone keeps no class). */
export function batchToWire(
  values: readonly unknown[],
): Pick<WriterReply & { ok: true }, 'value' | 'refused'> {
  const refused: { index: number; error: WireError }[] = [];
  const value = values.map((v, index) => {
    if (!(v instanceof RefusedWrite)) return v;
    refused.push({ index, error: toWire(v.error) });
    return null;
  });
  return refused.length === 0 ? { value } : { value, refused };
}

/** The batch's values again, each refusal a RefusedWrite in its place. */
export function batchFromWire(reply: WriterReply & { ok: true }): unknown {
  if (reply.refused === undefined || !Array.isArray(reply.value)) return reply.value;
  const values: unknown[] = [...(reply.value as unknown[])];
  for (const { index, error } of reply.refused) values[index] = new RefusedWrite(fromWire(error));
  return values;
}

export function toWire(err: unknown): WireError {
  // A refusal crosses as the error it carries: it was refused either way, and nothing was written.
  if (err instanceof RefusedWrite) return toWire(err.error);
  if (err instanceof DuplicateProviderMessageError)
    return {
      name: err.name,
      message: err.message,
      handoverId: err.handoverId,
      providerMessageId: err.providerMessageId,
    };
  if (err instanceof VersionConflictError)
    return { name: err.name, message: err.message, handoverId: err.handoverId };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

const CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  RangeError,
  TypeError,
};

export function fromWire(wire: WireError): Error {
  if (wire.handoverId !== undefined && wire.providerMessageId !== undefined)
    return new DuplicateProviderMessageError(wire.handoverId, wire.providerMessageId);
  if (wire.handoverId !== undefined) return new VersionConflictError(wire.handoverId);
  const Class = CLASSES[wire.name] ?? Error;
  const err = new Class(wire.message);
  if (!(wire.name in CLASSES)) err.name = wire.name;
  if (wire.code !== undefined) Object.assign(err, { code: wire.code });
  return err;
}
