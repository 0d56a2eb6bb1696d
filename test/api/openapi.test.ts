// The OpenAPI 3.1 document at /docs/json: linted by Redocly's CLI (recommended-strict, no errors and
// no warnings), turned into TypeScript by openapi-typescript and compiled with tsc against a usage
// file, and checked for what a client generator needs (operationIds, tags, shared components, the
// error-code enum, examples that match the schemas, every event under `webhooks`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import type { z } from 'zod';
import * as schemas from '../../src/api/schemas.ts';
import { handoverEventSchema, webhookTestEventSchema } from '../../src/contract/events.ts';
import { ErrorCodes } from '../../src/core/errors.ts';
import { EventTypes } from '../../src/core/model/events.ts';
import { CoreRig } from '../support/core-rig.ts';
import { RIG_API_KEY, rigApi } from '../support/rig-api.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const here = dirname(new URL(import.meta.url).pathname);

let doc: any;
let dir: string;
before(async () => {
  const rig = await CoreRig.start();
  const app = await rigApi(rig);
  const res = await app.inject({
    method: 'GET',
    url: '/docs/json',
    headers: { authorization: `Bearer ${RIG_API_KEY}` },
  });
  assert.equal(res.statusCode, 200);
  doc = res.json();
  await app.close();
  dir = mkdtempSync(join(tmpdir(), 'gh-openapi-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document', () => {
  test("Redocly's CLI lints it with its strictest ruleset: no errors, no warnings", async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
    const config = join(here, 'openapi-lint.redocly.yaml');
    const { stdout, stderr } = await run(
      process.execPath,
      [cli, 'lint', file, '--config', config, '--format', 'json', '--max-problems', '1000'],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((err: unknown) => {
      // Exit code 1 when there are problems: the report is still on stdout.
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      return { stdout, stderr };
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    assert.deepEqual(
      report.problems.map((p) => `${p.ruleId}: ${p.message}`),
      [],
      stderr,
    );
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  });

  test('openapi-typescript generates types from it that compile with tsc, webhooks included', async () => {
    const generated = astToString(await openapiTS(doc));
    writeFileSync(join(dir, 'api.d.ts'), generated);
    // A bot written against the generated types: requests, answers, the error enum and webhook bodies.
    writeFileSync(
      join(dir, 'use.ts'),
      `import type { components, operations, paths, webhooks } from './api.d.ts';
type Start = paths['/v1/handovers']['post']['requestBody']['content']['application/json'];
const start: Start = { endpoint: 'support', customer: { userId: 'u', sessionId: 's' } };
type Created = operations['startHandover']['responses'][201]['content']['application/json'];
const state: Created['state'] = 'queued';
type Code = components['schemas']['Error']['error']['code'];
const code: Code = 'HANDOVER_NOT_ACTIVE';
// @ts-expect-error not a code of the catalogue
const wrong: Code = 'NO_SUCH_CODE';
type Message = webhooks['handover.agent_message']['post']['requestBody']['content']['application/json'];
const text: Message['data']['text'] = 'hello';
type Ended = components['schemas']['HandoverEndedEvent'];
const reason: Ended['data']['reason'] = 'agent_ended';
type Sse = paths['/v1/handovers/{id}/events']['get']['responses'][200]['content']['text/event-stream'];
const frame: Sse = 'id: 1';
export const used = [start, state, code, wrong, text, reason, frame];
`,
    );
    const program = ts.createProgram([join(dir, 'use.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      types: [],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  test('every operation has an operationId, a tag, a summary and security; ids are unique', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      assert.ok(path.startsWith('/v1/'), path);
      for (const op of Object.values<any>(item)) {
        assert.ok(op.operationId, path);
        assert.ok(op.tags?.length, path);
        assert.ok(op.summary, path);
        assert.deepEqual(op.security, [{ apiKey: [] }], path);
        ids.push(op.operationId);
      }
    }
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes('testEndpointWebhook'));
    assert.deepEqual(doc.servers, [{ url: '/', description: doc.servers[0].description }]);
    assert.equal(doc.info.license.identifier, 'MIT');
  });

  test('errors are one shared component whose code enum is the error catalogue; each status lists its codes', () => {
    assert.deepEqual(
      doc.components.schemas.Error.properties.error.properties.code.enum,
      Object.keys(ErrorCodes),
    );
    for (const item of Object.values<any>(doc.paths))
      for (const op of Object.values<any>(item))
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (Number(status) < 400) continue;
          const media = response.content['application/json'];
          assert.deepEqual(media.schema, { $ref: '#/components/schemas/Error' });
          for (const example of Object.values<any>(media.examples)) {
            assert.equal(
              ErrorCodes[example.value.error.code as keyof typeof ErrorCodes].status,
              Number(status),
            );
            schemas.errorResponse.parse(example.value);
          }
        }
    const start = doc.paths['/v1/handovers'].post.responses;
    assert.deepEqual(Object.keys(start), [
      '200',
      '201',
      '400',
      '401',
      '403',
      '404',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    const send = doc.paths['/v1/handovers/{id}/messages'].post.responses;
    assert.ok(send['409'] && send['422'] && send['413'] && send['415']);
  });

  test('the SSE route answers text/event-stream (200) and 204; handovers and events are $ref components', () => {
    const sse = doc.paths['/v1/handovers/{id}/events'].get.responses;
    assert.ok(sse['200'].content['text/event-stream']);
    assert.equal(sse['204'].content, undefined);
    assert.deepEqual(
      doc.paths['/v1/handovers/{id}'].get.responses['200'].content['application/json'].schema,
      {
        $ref: '#/components/schemas/Handover',
      },
    );
    assert.deepEqual(doc.components.schemas.Handover.properties.agent, {
      $ref: '#/components/schemas/Agent',
    });
  });

  test('every event type is under `webhooks`, with an example its schema accepts; so is webhook.test', () => {
    assert.deepEqual(Object.keys(doc.webhooks), [...EventTypes, 'webhook.test']);
    for (const [type, item] of Object.entries<any>(doc.webhooks)) {
      const media = item.post.requestBody.content['application/json'];
      const schemaName = media.schema.$ref.split('/').at(-1);
      assert.ok(doc.components.schemas[schemaName], schemaName);
      const parsed = (type === 'webhook.test' ? webhookTestEventSchema : handoverEventSchema).parse(
        media.example,
      );
      assert.equal(parsed.type, type);
      assert.deepEqual(
        item.post.parameters.map((p: any) => p.name),
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      );
    }
  });

  test('request and response examples match the schemas the routes validate with', () => {
    const bodies: Record<string, z.ZodType> = {
      startHandover: schemas.startHandoverBody,
      sendMessage: schemas.sendMessageBody,
      setPresence: schemas.presenceBody,
      replayDeadLetters: schemas.replayBody,
    };
    const answers: Record<string, z.ZodType> = {
      startHandover: schemas.handoverResponse,
      listHandovers: schemas.handoverListResponse,
      getHandover: schemas.handoverResponse,
      getTranscript: schemas.transcriptResponse,
      sendMessage: schemas.sendMessageResponse,
      sendTyping: schemas.typingResponse,
      setPresence: schemas.presenceResponse,
      endHandover: schemas.handoverResponse,
      listDeadLetters: schemas.deadLettersResponse,
      replayDeadLetters: schemas.replayResponse,
      testEndpointWebhook: schemas.webhookTestResponse,
    };
    let checked = 0;
    for (const item of Object.values<any>(doc.paths))
      for (const op of Object.values<any>(item)) {
        const request = op.requestBody?.content['application/json'];
        if (request) {
          assert.ok(request.example, `${op.operationId} has a request example`);
          bodies[op.operationId]!.parse(request.example);
          checked++;
        }
        for (const [status, response] of Object.entries<any>(op.responses)) {
          const media = response.content?.['application/json'];
          if (Number(status) >= 400 || !media) continue;
          assert.ok(media.example, `${op.operationId} ${status} has an example`);
          answers[op.operationId]!.parse(media.example);
          checked++;
        }
      }
    assert.ok(checked >= 17, `${checked} examples`);
  });
});
