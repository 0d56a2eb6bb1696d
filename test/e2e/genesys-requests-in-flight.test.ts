// `endpoints[].genesys.maxRequestsInFlight`: a guest-chat endpoint never has more Genesys REST calls
// in flight than configured; the others wait their turn and go out as slots free up. "Genesys" here
// is a server on loopback that holds every call until the test lets it answer.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../support/gateway-harness.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';

const LIMIT = 2;
const STARTS = 5;

const held: ServerResponse[] = [];
let arrived = 0;
let mostAtOnce = 0;
const genesys = createServer((req, res) => {
  req.resume();
  arrived += 1;
  held.push(res);
  mostAtOnce = Math.max(mostAtOnce, held.length);
});
let h: Harness;

before(async () => {
  await new Promise<void>((resolve) => genesys.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(genesys.address() as AddressInfo).port}`;
  h = await startHarness({
    endpointExtra: {
      genesys: { baseUrl: url, organizationId: 'org-1', deploymentId: 'dep-1', maxRequestsInFlight: LIMIT },
    },
  });
});
after(async () => {
  for (const res of held.splice(0)) res.destroy();
  await h.close();
  await new Promise<void>((resolve) => genesys.close(() => resolve()));
});

/** Answers the oldest held call as Genesys answers a routing target it does not know (protocol §5.1). */
function refuseOldest(): void {
  const res = held.shift();
  if (!res) return;
  res.writeHead(400, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      message: 'routing target not valid',
      code: 'chat.error.createconversationrequest.routingtarget',
      status: 400,
    }),
  );
}

test('a guest-chat endpoint has at most maxRequestsInFlight Genesys calls in flight; the rest wait', async () => {
  const starts = Array.from({ length: STARTS }, (_, i) =>
    h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: `u-${i}`, sessionId: `s-${i}`, displayName: `Customer ${i}` },
    }),
  );
  await waitFor(() => held.length >= LIMIT, { what: `${LIMIT} calls at "Genesys"` });
  // Without the limit all five conversations are asked for at once; give a third the time to show.
  await sleep(300);
  assert.equal(arrived, LIMIT, 'no call beyond the limit went out');

  // Each answer frees a slot for one waiting call, until every start has had its call (a refused
  // routing target is not retried).
  for (let answered = 0; answered < STARTS; answered += 1) {
    await waitFor(() => held.length > 0, { what: `call ${answered + 1}` });
    refuseOldest();
  }
  assert.equal(arrived, STARTS);
  assert.equal(mostAtOnce, LIMIT);
  // Accepted at once (the conversation is asked for after the 201), failed once Genesys refused it.
  for (const started of await Promise.all(starts)) {
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await waitFor(
      async () => (await h.api('GET', `/v1/handovers/${started.body.id}`)).body.state === 'failed',
      { what: `handover ${started.body.id} failed` },
    );
  }
});
