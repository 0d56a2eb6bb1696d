// `npm test` names failed tests again right before its closing lines (scripts/tap-failures.mjs), so
// that a CI log cut to its end still says which test failed. Fed here with real TAP from node's runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- a plain .mjs build script, without type declarations
import { TapFailures } from '../../scripts/tap-failures.mjs';

const sample = `
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
describe('outer', () => {
  test('passes', () => {});
  test("fails with 'quotes'", () => { assert.equal(1, 2); });
  describe('deeper', () => {
    test('throws', () => { throw new Error('first line\\nsecond line'); });
  });
});
test('a name with a # in it passes', () => {});
test('top passes', () => {});
`;

function tapOf(source: string): { dir: string; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-tap-'));
  writeFileSync(join(dir, 'sample.test.mjs'), source);
  // Without NODE_TEST_CONTEXT: inside a test, node's runner would otherwise report to its parent, not as TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'sample.test.mjs'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return { dir, lines: run.stdout.split('\n') };
}

test('names each failed test with its place and error; suites that failed only through them are left out', () => {
  const { dir, lines } = tapOf(sample);
  try {
    const failures = new TapFailures();
    const closingAt = lines.findIndex((line) => failures.push(line));
    assert.match(lines[closingAt] ?? '', /^# tests \d+$/);
    assert.deepEqual(
      failures.failures.map((f: { name: string }) => f.name),
      ["outer > fails with 'quotes'", 'outer > deeper > throws'],
    );
    const digest: string[] = failures.digest(`${dir}/`);
    assert.equal(digest[0], '# failed tests (2):');
    assert.ok(
      digest.every((line) => line.startsWith('#')),
      'every line is a TAP comment',
    );
    const text = digest.join('\n');
    assert.match(
      text,
      /# {3}outer > fails with 'quotes'\n# {5}at sample\.test\.mjs:6:\d+\n# {5}Expected values to be strictly equal/,
    );
    assert.match(
      text,
      /# {3}outer > deeper > throws\n# {5}at sample\.test\.mjs:8:\d+\n# {5}first line\n# {5}second line/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run without failures gives no digest', () => {
  const { dir, lines } = tapOf(`import { test } from 'node:test';\ntest('ok', () => {});\n`);
  try {
    const failures = new TapFailures();
    for (const line of lines) failures.push(line);
    assert.deepEqual(failures.digest(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a TypeScript file's location on its line 1 gives way to the stack's frame in that file", () => {
  const failures = new TapFailures();
  const tap = [
    '# Subtest: a ts test',
    'not ok 1 - a ts test',
    '  ---',
    "  location: '/repo/test/x.test.ts:1:252'",
    "  failureType: 'testCodeFailure'",
    '  error: |-',
    '    boom',
    '  stack: |-',
    '    helper (/repo/test/support/h.ts:9:3)',
    '    TestContext.<anonymous> (/repo/test/x.test.ts:49:12)',
    '    async Test.run (node:internal/test_runner/test:797:9)',
    '  ...',
  ];
  for (const line of tap) failures.push(line);
  assert.deepEqual(failures.digest('/repo/'), [
    '# failed tests (1):',
    '#   a ts test',
    '#     at test/x.test.ts:49:12',
    '#     boom',
  ]);
});
