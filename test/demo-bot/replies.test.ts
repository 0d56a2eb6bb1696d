// The demo bot's canned answers and its handover trigger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FALLBACK, HELLO, HELP, HOURS, LOCATION, THANKS, understand } from '../../src/demo-bot/replies.ts';

test('"agent" and its synonyms hand over, anywhere in the sentence and in any case', () => {
  for (const text of [
    'agent',
    'AGENT please',
    'I want to talk to a human',
    'can I speak to a person?',
    'Operator!',
  ]) {
    assert.deepEqual(understand(text), { kind: 'handover' }, text);
  }
});

test('words that merely contain "agent" do not hand over', () => {
  assert.deepEqual(understand('my agentic workflow is broken'), { kind: 'reply', text: FALLBACK });
});

test('greeting, help, hours, location and thanks get their answers; anything else the fallback', () => {
  const cases: [string, string][] = [
    ['Hello there', HELLO],
    ['hi', HELLO],
    ['help', HELP],
    ['What can you do?', HELP],
    ['What are your opening hours?', HOURS],
    ['when are you open', HOURS],
    ['Where is your office?', LOCATION],
    ['thanks!', THANKS],
    ['purple elephants', FALLBACK],
  ];
  for (const [text, expected] of cases)
    assert.deepEqual(understand(text), { kind: 'reply', text: expected }, text);
});
