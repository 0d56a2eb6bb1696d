// One HTTP exchange on undici's dispatcher API, against a real server on 127.0.0.1: the answer as
// status, headers and text; a redirect is an answer, not followed; an abort before the request got a
// connection keeps it from being sent; an abort in flight and a refused connection reject.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { dispatchExchange } from '../../src/http/dispatch-exchange.ts';
import { freePort } from '../support/gateway-process.ts';
import { sleep } from '../support/sleep.ts';

describe('dispatchExchange', () => {
  const seen: string[] = [];
  let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void = (_q, _b, res) => res.end();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      handle(req, body, res);
    });
  });
  let base = '';
  const agent = new Agent({ connections: 1 });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await agent.close();
  });

  test('gives the status, the headers (any case) and the body as text; sends method, path, query and body', async () => {
    handle = (req, body, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'inin-correlation-id': 'corr-1' });
      res.end(JSON.stringify({ got: body, auth: req.headers.authorization }));
    };
    const answer = await dispatchExchange(agent, `${base}/api/x?after=a%20b`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"text":"hé"}',
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.header('ININ-Correlation-Id'), 'corr-1');
    assert.equal(answer.header('retry-after'), null);
    assert.deepEqual(JSON.parse(answer.text), { got: '{"text":"hé"}', auth: 'Bearer t' });
    assert.equal(seen.at(-1), 'POST /api/x?after=a%20b {"text":"hé"}');
  });

  test('a URL with a query and no path, or with a fragment, asks for the right path', async () => {
    handle = (_req, _body, res) => res.end('ok');
    const before = seen.length;
    await dispatchExchange(agent, `${base}?token=t1`, { method: 'POST', headers: {}, body: 'a' });
    await dispatchExchange(agent, `${base}/hook?x=1#part`, { method: 'POST', headers: {}, body: 'b' });
    await dispatchExchange(agent, base, { method: 'POST', headers: {}, body: 'c' });
    assert.deepEqual(seen.slice(before), ['POST /?token=t1 a', 'POST /hook?x=1 b', 'POST / c']);
  });

  test('a redirect is the answer (never followed); a body not kept reads as empty', async () => {
    handle = (_req, _body, res) => {
      res.writeHead(302, { location: `${base}/elsewhere` });
      res.end('moved');
    };
    const before = seen.length;
    const answer = await dispatchExchange(agent, `${base}/hook`, {
      method: 'POST',
      headers: {},
      body: '{}',
      keepBody: false,
    });
    assert.equal(answer.status, 302);
    assert.equal(answer.text, '');
    assert.deepEqual(seen.slice(before), ['POST /hook {}']);
  });

  test('aborted while waiting for the connection: rejects at once, and the request is never sent', async () => {
    let release: () => void = () => undefined;
    handle = (req, _body, res) => {
      if (req.url === '/slow') release = () => res.end('slow');
      else res.end('fast');
    };
    const slow = dispatchExchange(agent, `${base}/slow`, { method: 'GET', headers: {} });
    await sleep(50); // the pool's one connection is busy with /slow
    const controller = new AbortController();
    const queued = dispatchExchange(agent, `${base}/queued`, {
      method: 'POST',
      headers: {},
      body: 'must not arrive',
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    await assert.rejects(queued, /stop/);
    release();
    assert.equal((await slow).text, 'slow');
    await sleep(100);
    assert.ok(!seen.some((s) => s.startsWith('POST /queued')), seen.join('\n'));
  });

  test('aborted in flight, or already aborted: rejects with the signal’s reason', async () => {
    handle = () => undefined; // never answers
    const controller = new AbortController();
    const pending = dispatchExchange(agent, `${base}/hang`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    await sleep(50);
    controller.abort(new Error('timed out'));
    await assert.rejects(pending, /timed out/);
    await assert.rejects(
      dispatchExchange(agent, `${base}/never`, { method: 'GET', headers: {}, signal: AbortSignal.abort() }),
      { name: 'AbortError' },
    );
  });

  test('a refused connection rejects with undici’s error and its socket code', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      dispatchExchange(agent, `${closed}/x`, { method: 'GET', headers: {} }),
      (err: Error) => {
        const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
        assert.equal(code, 'ECONNREFUSED', String(err));
        return true;
      },
    );
  });
});
