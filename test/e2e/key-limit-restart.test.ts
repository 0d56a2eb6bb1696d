// The open-handover limit per API key survives a restart: the count is rebuilt from the unended
// handovers in the store (each records the name of the key that started it), so a key at its limit
// stays at it after the gateway restarts on the same SQLite file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHarness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

test('a key at its open-handover limit stays at it across a restart; an end frees a slot', async () => {
  const h = await startHarness({ config: { limits: { openHandovers: 2 } } });
  try {
    const start = (userId: string) =>
      h.api('POST', '/v1/handovers', { endpoint: 'support', customer: { userId, sessionId: 's' } });
    const first = await start('u1');
    const second = await start('u2');
    assert.deepEqual([first.status, second.status], [201, 201]);
    const over = await start('u3');
    assert.equal(over.status, 429);
    assert.equal(over.body.error.code, 'LIMIT_REACHED');

    await h.restartGateway();

    // A new process: without the rebuilt count this start would pass.
    const afterRestart = await start('u3');
    assert.equal(afterRestart.status, 429, JSON.stringify(afterRestart.body));
    assert.equal(afterRestart.body.error.code, 'LIMIT_REACHED');

    // Ending one frees its slot (the count is re-checked against the store at most once a second).
    const ended = await h.api('POST', `/v1/handovers/${first.body.id as string}/end`);
    assert.ok(ended.status === 200 || ended.status === 202, JSON.stringify(ended.body));
    const fits = await waitFor(
      async () => {
        const res = await start('u4');
        return res.status === 201 ? res : undefined;
      },
      { what: 'a free slot after the end', timeoutMs: 15_000 },
    );
    assert.equal(fits.status, 201);
    assert.equal((await start('u5')).status, 429);
  } finally {
    await h.close();
  }
});
