// Wait estimates with several instances (issue 14): the poller runs on the one instance that holds
// the `wait-estimates` singleton (`mayRun`), so the Platform API is read once per interval for the
// cluster and the bot is told once — not once per instance. When the singleton moves, the new
// holder takes over the telling. On virtual time with the core rig; two estimators stand for two
// instances sharing the store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WaitEstimator } from '../../../src/core/availability/wait-estimator.ts';
import type { WaitPosition } from '../../../src/core/availability/model.ts';
import { CoreRig, ENDPOINT } from '../../support/core-rig.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';

const INTERVAL_MS = 30_000;

test('only the instance holding the wait-estimates singleton reads and tells; the next holder takes over', async () => {
  const rig = await CoreRig.start();
  const { id } = await rig.startHandover();
  const reads = { a: 0, b: 0 };
  const readsOf = (name: 'a' | 'b'): number => reads[name];
  let holder: 'a' | 'b' = 'a';
  const estimator = (name: 'a' | 'b') =>
    new WaitEstimator({
      scheduler: rig.time,
      clock: rig.time,
      handovers: rig.store.handovers,
      units: rig.engine.units,
      availability: {
        waitPositions: (_endpoint, refs): Promise<(WaitPosition | undefined)[]> => {
          reads[name] += 1;
          return Promise.resolve(refs.map(() => ({ estimatedWaitSeconds: 120, position: 3 })));
        },
      },
      endpoints: [{ id: ENDPOINT, intervalMs: INTERVAL_MS }],
      logger: new RecordingLogger(),
      mayRun: () => holder === name,
    });
  const a = estimator('a');
  const b = estimator('b');
  a.start();
  b.start();
  const estimates = async () => (await rig.types(id)).filter((t) => t === 'handover.wait_estimate').length;

  await rig.advance(INTERVAL_MS - 1);
  assert.equal(await estimates(), 1, 'told once, not once per instance');
  await rig.advance(INTERVAL_MS);
  assert.equal(await estimates(), 2, 'repeated once per interval');
  assert.ok(reads.a > 0);
  assert.equal(reads.b, 0, 'the other instance reads nothing from Genesys');

  holder = 'b'; // a's registration expired; b took the singleton
  const readsOfA = reads.a;
  await rig.advance(INTERVAL_MS);
  assert.ok(readsOf('b') > 0, 'the new holder reads');
  assert.equal(reads.a, readsOfA, 'the old holder stopped');
  assert.equal(await estimates(), 3, 'the new holder tells (once)');
  a.stop();
  b.stop();
});
