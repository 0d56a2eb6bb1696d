import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitMessage } from '../../../src/core/text/split-message.ts';

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
