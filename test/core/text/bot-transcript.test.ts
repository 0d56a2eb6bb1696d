import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBotTranscript } from '../../../src/core/text/bot-transcript.ts';

describe('formatBotTranscript', () => {
  test('renders roles readably and chunks under the limit', () => {
    const lines = Array.from({ length: 300 }, (_, i) => ({
      role: i % 2 ? ('bot' as const) : ('customer' as const),
      text: `line number ${i} `.repeat(3),
    }));
    const chunks = formatBotTranscript(lines, { maxLength: 4000, customerName: 'Ann' });
    assert.ok(chunks.length > 1);
    chunks.forEach((c, i) => {
      assert.ok(c.length <= 4000, `chunk ${i} is ${c.length}`);
      assert.ok(c.startsWith(`Bot conversation (${i + 1}/${chunks.length}):\n`));
    });
    const all = chunks.join('\n');
    assert.ok(all.includes('[Ann] line number 0'));
    assert.ok(all.includes('[Bot] line number 299'));
  });
  test('empty lines are dropped; no lines → no chunks', () => {
    assert.deepEqual(
      formatBotTranscript([{ role: 'bot', text: '  ' }], { maxLength: 4000, customerName: 'Ann' }),
      [],
    );
  });
});
