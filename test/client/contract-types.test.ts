// One source of truth: the wire schemas the client validates with (src/contract/events.ts) describe
// exactly the events the core produces (src/core/model/events.ts), checked by the compiler in both
// directions (npm run typecheck), and at run time on a sample of every type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handoverEventSchema, type WireEvent } from '../../src/contract/events.ts';
import { EventTypes, toWireEvent, type WireEvent as CoreWireEvent } from '../../src/core/model/events.ts';

type Writable<T> = T extends readonly (infer U)[]
  ? Writable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Writable<T[K]> }
    : T;

// Compile-time: core → wire and wire → core, for every event type.
export const coreFitsWire = (e: Writable<CoreWireEvent>): WireEvent => e;
export const wireFitsCore = (e: WireEvent): CoreWireEvent => e;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesMatch: Same<WireEvent['type'], (typeof EventTypes)[number]> = true;

test('every core event type is in the wire union, and a stored event parses unchanged', () => {
  assert.equal(typesMatch, true);
  assert.deepEqual(
    handoverEventSchema.def.options.map((o) => o.shape.type.value),
    [...EventTypes],
  );
  const wire = toWireEvent({
    id: 'e1',
    type: 'handover.ended',
    handoverId: 'h',
    endpointId: 'ep',
    userId: 'u',
    sessionId: 's',
    seq: 3,
    occurredAt: '2030-01-01T00:00:00.000Z',
    data: { reason: 'agent_ended', undelivered: [{ id: 'p', order: 1, text: 'x' }] },
  });
  assert.deepEqual(handoverEventSchema.parse(JSON.parse(JSON.stringify(wire))), wire);
});
