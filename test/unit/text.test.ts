import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitMessage } from '../../src/core/text/split-message.ts';
import { formatBotTranscript } from '../../src/core/text/bot-transcript.ts';

describe('splitMessage', () => {
  test('short text stays whole', () => {
    assert.deepEqual(splitMessage('hello world', 4000), ['hello world']);
  });
  test('splits on word boundaries, each part within the limit, nothing lost', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
    const text = words.join(' ');
    const parts = splitMessage(text, 4000);
    assert.ok(parts.length > 1);
    for (const p of parts) assert.ok(p.length <= 4000);
    assert.deepEqual(parts.join(' ').split(' '), words);
  });
  test('a single over-long word is cut hard without splitting a surrogate pair', () => {
    const text = 'a'.repeat(9) + '😀' + 'b'.repeat(5);
    const parts = splitMessage(text, 10);
    for (const p of parts) assert.ok(p.length <= 10);
    assert.equal(parts.join(''), text);
    assert.equal(parts[0], 'a'.repeat(9));
  });
});

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
