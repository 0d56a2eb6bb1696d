// undici's Agent without the rest of undici (src/http/undici-agent.ts): with the locked undici it
// comes from its own module, it is the class undici exports, and a fresh process that loads the
// gateway's modules never evaluates undici's index (fetch, WebSocket, mocks: ~60 ms of every start).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { Agent, agentSource } from '../../src/http/undici-agent.ts';
import { repositoryRoot as root, runModuleScript } from '../support/module-script.ts';

test('the Agent is undici’s own class, loaded from its dispatcher module', () => {
  assert.equal(agentSource, 'dispatcher module');
  const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
  assert.equal(Agent, undici.Agent);
});

test('loading the gateway does not evaluate undici’s index', async () => {
  const script = `
import { createRequire } from 'node:module';
await import(${JSON.stringify(new URL('src/composition/start-gateway.ts', root).href)});
await import(${JSON.stringify(new URL('src/composition/open-messaging-provider.ts', root).href)});
const cache = createRequire(${JSON.stringify(new URL('package.json', root).href)}).cache;
process.stdout.write(JSON.stringify(Object.keys(cache).filter((k) => k.includes('/node_modules/undici/'))));
`;
  const undiciFiles = JSON.parse(await runModuleScript(script)) as string[];
  assert.ok(
    undiciFiles.some((f) => f.endsWith('/undici/lib/dispatcher/agent.js')),
    `the Agent's module is loaded: ${undiciFiles.length} undici files`,
  );
  assert.deepEqual(
    undiciFiles.filter((f) => f.endsWith('/node_modules/undici/index.js')),
    [],
  );
});
