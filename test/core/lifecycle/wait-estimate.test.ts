// The wait_estimate input of the state machine (issue 17): an event while queued, nothing otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition } from '../../../src/core/lifecycle/state-machine.ts';
import type { Handover, HandoverState } from '../../../src/core/model/handover.ts';

const handover = (state: HandoverState): Handover => ({
  id: 'h1',
  endpointId: 'e1',
  customer: { userId: 'u1', sessionId: 's1', displayName: 'Ann' },
  settings: { queue: 'Support', skills: [], customAttributes: {} },
  state,
  agentEverJoined: false,
  lastSeq: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 4,
});

test('a queued handover emits handover.wait_estimate and stays queued', () => {
  const t = transition(handover('queued'), { kind: 'wait_estimate', estimatedWaitSeconds: 95, position: 3 });
  assert.equal(t.handover.state, 'queued');
  assert.deepEqual(t.events, [
    { type: 'handover.wait_estimate', data: { estimatedWaitSeconds: 95, position: 3 } },
  ]);
  const onlyPosition = transition(handover('queued'), { kind: 'wait_estimate', position: 1 });
  assert.deepEqual(onlyPosition.events[0]?.data, { position: 1 });
});

test('in any other state the estimate is dropped', () => {
  for (const state of ['requested', 'active', 'transferring', 'ended', 'failed'] as const) {
    const t = transition(handover(state), { kind: 'wait_estimate', estimatedWaitSeconds: 10 });
    assert.deepEqual(t.events, [], state);
    assert.equal(t.handover.state, state);
  }
});
