import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sharedString } from '../../../src/core/text/shared-string.ts';

/** A new string with `text`'s content, not shared with any other (built from its char codes). */
function freshCopy(text: string): string {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) codes.push(text.charCodeAt(i));
  return String.fromCharCode(...codes);
}

test('gives back the same text, whatever it looks like', () => {
  for (const text of [
    '0190a1b2-c3d4-7e5f-8a9b-000000000001',
    '',
    '42',
    '__proto__',
    'ä ✓ 𝄞',
    'constructor',
  ]) {
    assert.equal(sharedString(freshCopy(text)), text);
  }
});

test('equal ids become one copy: holding two of each costs about one', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const ids = Array.from(
    { length: 20_000 },
    (_, i) => `0190a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`,
  );
  const held = (share: (s: string) => string): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const pairs = ids.map((id) => [share(freshCopy(id)), share(freshCopy(id))] as const);
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    assert.equal(pairs.length, ids.length); // keeps the pairs alive until measured
    return bytes / ids.length;
  };
  held((s) => s); // once first, so that what is made only once is not counted against either
  const plain = held((s) => s);
  const shared = held(sharedString);
  // A 36-character id is ~56 B: sharing saves one of the two copies per pair.
  assert.ok(plain - shared > 40, `plain ${plain.toFixed(0)} B per pair, shared ${shared.toFixed(0)} B`);
});
