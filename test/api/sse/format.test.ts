import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSseComment, formatSseEvent, formatSseRetry } from '../../../src/api/sse/format.ts';
import { makeEvent } from '../../support/fixtures.ts';
import { toWireEvent } from '../../../src/core/model/events.ts';

test('an event is framed as id, event and one data line of JSON, ended by a blank line', () => {
  const event = makeEvent({ seq: 2, text: 'two\nlines' });
  const frame = formatSseEvent(event);
  assert.equal(
    frame,
    `id: ${event.id}\nevent: handover.agent_message\ndata: ${JSON.stringify(toWireEvent(event))}\n\n`,
  );
  assert.equal(frame.split('\n').length, 5); // the newline inside the text stays escaped
  assert.equal(formatSseComment('keep\nalive'), ': keep alive\n\n');
  assert.equal(formatSseRetry(2500.7), 'retry: 2500\n\n');
});
