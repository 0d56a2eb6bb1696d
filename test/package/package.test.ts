// The npm package as a user gets it: `npm run build` compiles src/ to dist/, `npm pack` makes the
// tarball (compiled JavaScript, declarations, the pages' assets; no tests, no sources), and the
// tarball installed into an empty project gives a working `genesys-handover` command (the compiled
// bin, no tsx), a programmatic entry with types, and a demo whose pages are served from dist/.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { dockerfile } from '../support/dockerfile.ts';
import { waitFor } from '../support/wait-for.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gh-package-'));
const app = join(dir, 'app');
after(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let files: string[] = [];
let tarball = '';

before(() => {
  run(process.execPath, [join(root, 'scripts/build.mjs'), '--clean'], root);
  // The build just ran; --ignore-scripts keeps prepack from building a second time.
  const packed = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  mkdirSync(app);
  tarball = join(dir, packed[0]!.filename);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // --prefer-offline: the dependencies come from npm's cache that `npm ci` filled. --ignore-scripts:
  // better-sqlite3's native build is the one `npm ci` already compiled for this Node, copied below —
  // this test checks our package, not better-sqlite3's installer.
  run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app);
  const sqlite = join(createRequire(import.meta.url).resolve('better-sqlite3/package.json'), '..', 'build');
  cpSync(sqlite, join(app, 'node_modules/better-sqlite3/build'), { recursive: true });
});

describe('the npm package', () => {
  test('carries compiled code, declarations, page assets, bin, LICENSE — and no tests or sources', () => {
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/program.js',
      'dist/web/index.html',
      'dist/emulator/console/index.html',
      'bin/genesys-handover.js',
      'LICENSE',
      'config/genesys-handover.schema.json',
      'README.md',
      'package.json',
    ])
      assert.ok(files.includes(f), `${f} is in the tarball`);
    const unwanted = files.filter(
      (f) =>
        /^(test|src|bench|scripts)\//.test(f) ||
        /\.test\.|tsbuildinfo/.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    assert.deepEqual(unwanted, []);
  });

  test('LICENSE matches the declared licence', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string };
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n/);
  });

  test('the installed bin runs the compiled CLI', () => {
    const bin = join(app, 'node_modules/.bin/genesys-handover');
    assert.match(run(bin, ['--help'], app), /Usage: genesys-handover/);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
    assert.equal(run(bin, ['--version'], app).trim(), version);
    assert.ok(!files.some((f) => f.includes('tsx')));
  });

  test('the programmatic entry imports without tsx and type-checks in a consumer', () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import * as gh from 'genesys-handover'; console.log(Object.keys(gh).sort().join(','))",
      ],
      app,
    );
    assert.equal(
      out.trim(),
      'ConfigError,configSchema,loadConfigFile,parseConfig,startEmulator,startGateway',
    );
    writeFileSync(
      join(app, 'use.ts'),
      "import { parseConfig, type GatewayConfig } from 'genesys-handover';\n" +
        'export const port = (c: GatewayConfig): number => c.server.port;\nexport const parse = parseConfig;\n',
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'use.ts',
      ],
      app,
    );
  });

  test("the typed client imports as 'genesys-handover/client' and type-checks in a consumer", () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { GatewayClient, WebhookVerifier, GatewayApiError, followHandoverEvents } from 'genesys-handover/client';" +
          "const c = new GatewayClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });" +
          "console.log([typeof c.startHandover, typeof WebhookVerifier, typeof GatewayApiError, typeof followHandoverEvents].join(','))",
      ],
      app,
    );
    assert.equal(out.trim(), 'function,function,function,function');
    writeFileSync(
      join(app, 'use-client.ts'),
      [
        "import { GatewayClient, type HandoverEvent, type StartHandoverRequest } from 'genesys-handover/client';",
        "const start: StartHandoverRequest = { endpoint: 'support', customer: { userId: 'u', sessionId: 's' } };",
        "export const text = (e: HandoverEvent): string => (e.type === 'handover.agent_message' ? e.data.text : '');",
        'export const go = (c: GatewayClient) => c.startHandover(start).then((h) => h.state);',
        '',
      ].join('\n'),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'use-client.ts',
      ],
      app,
    );
  });

  test('the compiled demo serves the gateway, the chat page and the agent console from dist/', async () => {
    const bin = join(app, 'node_modules/.bin/genesys-handover');
    const child: ChildProcess = spawn(
      bin,
      ['demo', '--port', '0', '--emulator-port', '0', '--chat-port', '0', '--data', join(dir, 'demo.db')],
      { cwd: app },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = (re: RegExp): Promise<string> =>
        waitFor(() => re.exec(out)?.[1], { timeoutMs: 30_000, what: `${re} in ${out}` });
      const chat = await line(/^chat: (\S+)$/m);
      const console = await line(/^agent console: (\S+)$/m);
      const gateway = await line(/^gateway: (\S+)$/m);
      const key = await line(/^api key: (\S+)$/m);
      const page = await fetch(chat);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      assert.equal((await fetch(console)).status, 200);
      const started = await fetch(`${gateway}/v1/handovers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          endpoint: 'demo',
          customer: { userId: 'u', sessionId: 's', displayName: 'Pack' },
        }),
      });
      assert.equal(started.status, 201);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
  });

  test("the container image's command: Dockerfile ENTRYPOINT, CMD and ENV on the installed package, its HEALTHCHECK", async () => {
    // The image's /app is the package with its production dependencies: the installed tarball here.
    const image = dockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    const appDir = join(app, 'node_modules/genesys-handover');
    mkdirSync(join(dir, 'volume'));
    symlinkSync(join(dir, 'volume'), join(appDir, 'data')); // the image links /app/data to the /data volume
    const emulator = await startEmulator({ port: 0 });
    const port = await freePort();
    const env = {
      PATH: process.env['PATH'] ?? '',
      ...image.env,
      // The image listens on 0.0.0.0 (deploy.test.ts checks that); a test binds loopback only.
      HOST: '127.0.0.1',
      PORT: String(port),
      GH__apiKeys__0__name: 'bot',
      GH__apiKeys__0__key: 'ghk_Bal3KFqeWoG1y2ZQloL3jIsx75jrLaiVAlojIK1f8Kg',
      GH__apiKeys__0__endpoints: '["*"]',
      GH__endpoints__0__id: 'support',
      GH__endpoints__0__provider: 'genesys-guest-chat',
      GH__endpoints__0__queue: 'Support',
      GH__endpoints__0__genesys__baseUrl: emulator.url,
      GH__endpoints__0__genesys__organizationId: 'org',
      GH__endpoints__0__genesys__deploymentId: 'dep',
    };
    const [command, ...args] = [...image.entrypoint, ...image.cmd];
    const child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: appDir, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes(`gateway: http://127.0.0.1:${port}`), {
        timeoutMs: 30_000,
        what: out,
      });
      const [hc, ...hcArgs] = image.healthcheck;
      await waitFor(
        () =>
          spawnSync(hc === 'node' ? process.execPath : hc!, hcArgs, { env, encoding: 'utf8' }).status === 0,
        { timeoutMs: 20_000, intervalMs: 250, what: 'the HEALTHCHECK command to pass' },
      );
      assert.ok(existsSync(join(dir, 'volume/genesys-handover.db')), 'the SQLite file is in the volume');
    } finally {
      child.kill('SIGTERM');
      await emulator.close();
    }
    assert.equal(await exited, 0, out);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
