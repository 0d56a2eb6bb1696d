import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REPLACEMENT_CHARACTER,
  isSafeText,
  parseProviderJson,
  toSafeJson,
  toSafeText,
} from '../../../src/core/text/safe-text.ts';
import { SAFE_STRINGS, UNSAFE_STRINGS } from '../../support/nasty-strings.ts';

test('safe strings are safe and unchanged; RTL, ZWJ, 4-byte and control characters included', () => {
  for (const [name, s] of Object.entries(SAFE_STRINGS)) {
    assert.equal(isSafeText(s), true, name);
    assert.equal(toSafeText(s), s, name);
  }
  assert.equal(SAFE_STRINGS.long4000.length, 4000);
});

test('NUL and lone surrogates are unsafe; each becomes one U+FFFD, pairs stay whole', () => {
  for (const [name, s] of Object.entries(UNSAFE_STRINGS)) {
    assert.equal(isSafeText(s), false, name);
    const safe = toSafeText(s);
    assert.equal(isSafeText(safe), true, name);
    assert.equal(safe.length, s.length, `${name}: one replacement per bad code unit`);
  }
  assert.equal(toSafeText(UNSAFE_STRINGS.nul), `poison${REPLACEMENT_CHARACTER}nul`);
  assert.equal(toSafeText('a\uD83D\uDE00\uD83Db'), 'a😀\uFFFDb');
  assert.equal(toSafeText(UNSAFE_STRINGS.reversedPair), 'reversed \uFFFD\uFFFD pair');
});

test('provider JSON: every string, keys included, made safe; numbers, booleans and null untouched', () => {
  const text = JSON.stringify({
    body: 'a\u0000b',
    list: ['\uD800', 1, true, null, { 'k\u0000': 'v\uDFFF' }],
  });
  assert.deepEqual(parseProviderJson(text), {
    body: 'a\uFFFDb',
    list: ['\uFFFD', 1, true, null, { 'k\uFFFD': 'v\uFFFD' }],
  });
  // A "__proto__" key stays an own property: no prototype is set from provider input.
  const proto = toSafeJson(JSON.parse('{"__proto__":{"polluted":1}}')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.deepEqual(Object.keys(proto), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => parseProviderJson('{'), SyntaxError);
});
