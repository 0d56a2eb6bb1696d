// Ids are UUIDv7 in the order they were made — also within one millisecond, and when the clock goes
// back — and unique (time-ordered-ids.ts keeps the counter that `uuid` would keep).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, stringify, validate, version } from 'uuid';
import { nextTimeOrderedId, timeOrderedIds } from '../../src/time/time-ordered-ids.ts';

test('valid version-7 UUIDs, unique, each greater than the one before (10,000 made at once)', () => {
  const ids = Array.from({ length: 10_000 }, () => timeOrderedIds.next());
  for (const id of ids) {
    assert.ok(validate(id), id);
    assert.equal(version(id), 7);
    assert.equal(stringify(parse(id)), id, 'the canonical text of its bytes (lower case, 8-4-4-4-12)');
  }
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `${ids[i - 1]} then ${ids[i]}`);
});

test('a clock that stands still or goes back still gives ids in order; a later millisecond shows in the id', () => {
  const at = Date.parse('2031-05-01T10:00:00.000Z');
  const first = nextTimeOrderedId(at);
  const same = nextTimeOrderedId(at);
  const back = nextTimeOrderedId(at - 5_000);
  const later = nextTimeOrderedId(at + 1);
  assert.ok(first < same && same < back && back < later, [first, same, back, later].join(' '));
  // The first 48 bits are the millisecond (RFC 9562 §5.7).
  const msOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
  assert.equal(msOf(first), at);
  assert.equal(msOf(back), at, 'not the clock that went back');
  assert.equal(msOf(later), at + 1);
});
