// The start-up checks of the providers' settings: a failing one is reported for /readyz and tried
// again until it passes; a passing refusal (a 429) is a warning, one that needs someone an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderChecks } from '../../src/composition/provider-checks.ts';
import { ProviderError } from '../../src/core/ports/provider.ts';
import { VirtualTime } from '../../src/time/virtual-time.ts';
import { RecordingLogger } from '../support/recording-logger.ts';

function rig(outcomes: Record<string, (Error | undefined)[]>) {
  const time = new VirtualTime();
  const logger = new RecordingLogger();
  const calls: string[] = [];
  const providers = new Map(
    Object.entries(outcomes).map(([id, list]) => [
      id,
      {
        check: (): Promise<void> => {
          calls.push(id);
          const err = list.shift();
          return err === undefined ? Promise.resolve() : Promise.reject(err);
        },
      },
    ]),
  );
  const checks = new ProviderChecks({ providers, scheduler: time, logger, recheckMs: 30_000 });
  return { time, logger, calls, checks };
}

const rateLimited = new ProviderError('Genesys answered 429', {
  code: 'rate_limited',
  status: 429,
  retryable: true,
});
const badSecret = new ProviderError('Genesys refused the OAuth client credentials', {
  code: 'auth_failed',
  status: 401,
  retryable: false,
});

test('a rate-limited check is a warning and tried again; once it passes, nothing is wrong', async () => {
  const { time, logger, calls, checks } = rig({ om: [rateLimited, undefined] });
  await checks.start();
  assert.deepEqual(checks.problems(), ['endpoint om: Genesys answered 429']);
  assert.deepEqual(
    logger.lines.map((l) => [l.level, l.msg]),
    [['warn', 'provider check failed; trying again']],
  );
  await time.advance(30_000);
  assert.deepEqual(calls, ['om', 'om']);
  assert.deepEqual(checks.problems(), []);
  assert.equal(logger.lines.at(-1)?.msg, 'provider check passed');
  checks.stop();
});

test('credentials refused: an error, with the code and no secret; a passing endpoint is not checked again', async () => {
  const { time, logger, calls, checks } = rig({ om: [badSecret, badSecret], ok: [undefined] });
  await checks.start();
  assert.deepEqual(checks.problems(), ['endpoint om: Genesys refused the OAuth client credentials']);
  const line = logger.lines.find((l) => l.level === 'error');
  assert.ok(line, 'an error line');
  assert.equal(line.msg, 'provider check failed');
  assert.deepEqual(line.obj, { endpoint: 'om', code: 'auth_failed' });
  await time.advance(30_000);
  assert.deepEqual(calls.sort(), ['ok', 'om', 'om']);
  assert.equal(checks.problems().length, 1);
  checks.stop();
});
