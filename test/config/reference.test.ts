// docs/configuration.md and config/genesys-handover.schema.json are generated from the zod schema;
// this fails when either is out of date (fix: `npm run config:reference`), when a field has no
// description, or when the JSON Schema disagrees with the loader about the example configuration.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { configFields, configJsonSchema } from '../../src/config/reference.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('configuration reference', () => {
  test('docs/configuration.md and the JSON Schema are what the schema generates', () => {
    const r = spawnSync(process.execPath, [`${root}scripts/config-reference.mjs`, '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  });

  test('every field has a type, a default or "required", a meaning and its variable', () => {
    const { rows, missing } = configFields();
    assert.deepEqual(missing, []);
    const doc = readFileSync(`${root}docs/configuration.md`, 'utf8');
    for (const path of ['server.port', 'store.url', 'endpoints[].genesys.webhookSecret', 'apiKeys[].key'])
      assert.ok(
        rows.some((r) => r.path === path),
        path,
      );
    for (const env of [
      'GH__server__port',
      'GH__endpoints__<id or index>__queue',
      'GH__apiKeys__<index>__key',
    ])
      assert.ok(doc.includes(`\`${env}\``), env);
    assert.ok(rows.every((r) => r.type !== '' && r.dflt !== '' && r.meaning !== ''));
  });

  test('the JSON Schema accepts the example (with ${VAR} references) and refuses what the loader refuses', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(configJsonSchema());
    const example = parseYaml(readFileSync(`${root}config/example.yaml`, 'utf8')) as Record<string, unknown>;
    assert.ok(validate(example), JSON.stringify(validate.errors));
    assert.equal(validate({ ...example, server: { port: 'eighty' } }), false);
    assert.equal(validate({ ...example, surprise: true }), false);
    assert.equal(validate({ ...example, store: { kind: 'postgres' } }), false);
  });
});
