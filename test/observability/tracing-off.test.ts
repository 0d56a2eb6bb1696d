// Tracing off (the default): a gateway started and used in a fresh process never loads a module of
// the OpenTelemetry SDK or its instrumentations — a resolve hook lists every module the process
// loads — and the core's tracer is the no-op.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noTracer } from '../../src/core/ports/tracer.ts';
import { startTracing } from '../../src/observability/tracing.ts';
import { repositoryRoot as root, runModuleScript } from '../support/module-script.ts';

test('off: the no-op tracer, no server plugin', async () => {
  const tracing = await startTracing(
    { enabled: false, serviceName: 'x', sampleRatio: 1 },
    { version: '0.0.0' },
  );
  assert.equal(tracing.tracer, noTracer);
  assert.equal(tracing.fastifyPlugin, undefined);
  await tracing.close();
});

test('off: a running gateway loads no OpenTelemetry module', async () => {
  const script = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on('message', (url) => loaded.push(url));
port1.unref();
const hook = 'let port; export function initialize(d) { port = d.port; }' +
  ' export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }';
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
const { startGateway } = await import(${JSON.stringify(new URL('src/composition/start-gateway.ts', root).href)});
const { parseConfig } = await import(${JSON.stringify(new URL('src/config/load.ts', root).href)});
const dir = mkdtempSync(join(tmpdir(), 'gh-tracing-off-'));
const config = parseConfig({
  server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
  store: { path: join(dir, 'gw.db') },
  apiKeys: [{ name: 'bot', key: 'ghk_c-KuVhneRzT1umNdUc8c_Q24mzeVNEjQas-02lLlTeA', endpoints: ['*'] }],
  endpoints: [{ id: 'support', provider: 'genesys-guest-chat', queue: 'Support',
    genesys: { baseUrl: 'http://127.0.0.1:9', organizationId: 'o', deploymentId: 'd' } }],
}, {});
const gateway = await startGateway(config);
await fetch(gateway.url + '/v1/handovers', { headers: { authorization: 'Bearer ' + 'ghk_c-KuVhneRzT1umNdUc8c_Q24mzeVNEjQas-02lLlTeA', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
await gateway.close();
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write(JSON.stringify(loaded));
`;
  const loaded = JSON.parse(await runModuleScript(script)) as string[];
  assert.ok(
    loaded.some((u) => u.includes('/src/composition/start-gateway.ts')),
    'the hook saw the gateway load',
  );
  assert.ok(
    loaded.some((u) => u.includes('/node_modules/fastify/')),
    'and its dependencies',
  );
  const otel = loaded.filter((u) => /@opentelemetry|@fastify\/otel|otel-tracing/.test(u));
  assert.deepEqual(otel, []);
});
