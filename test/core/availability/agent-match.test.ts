// Which queue members count as available for a language and skills (OM doc §7.3 approximation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countMatchingAgents } from '../../../src/core/availability/agent-match.ts';

const members = [
  { routingStatus: 'IDLE', skills: ['General', 'Technical'], languages: ['English', 'German'] },
  { routingStatus: 'INTERACTING', skills: ['general'], languages: ['English'] },
  { routingStatus: 'OFF_QUEUE', skills: ['general', 'technical'], languages: ['German'] },
  { routingStatus: 'NOT_RESPONDING', skills: ['general', 'technical'], languages: ['German'] },
];

test('on-queue members with every skill and the language; idle and interacting count as available', () => {
  assert.deepEqual(countMatchingAgents(members, {}), { onQueue: 3, idle: 1, interacting: 1 });
  assert.deepEqual(countMatchingAgents(members, { language: 'german', skills: ['TECHNICAL'] }), {
    onQueue: 2,
    idle: 1,
    interacting: 0,
  });
  assert.deepEqual(countMatchingAgents(members, { language: 'English', skills: ['general', 'billing'] }), {
    onQueue: 0,
    idle: 0,
    interacting: 0,
  });
});
