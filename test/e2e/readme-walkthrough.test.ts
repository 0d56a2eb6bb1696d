// The README's curl walkthrough, copy-pasted: its shell block runs with bash (set -e) against the
// demo as `npm start` starts it, with the `export GW=… EMU=… KEY=…` line the demo prints — only the
// blocking event stream (step 2, a terminal of its own) is left out. Needs curl and jq, as the README says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startTestDemo } from '../support/demo-harness.ts';

test('the README walkthrough runs as written: hand over, agent joins, messages both ways, end, transcript', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## A whole handover with curl')[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the walkthrough block');
  const harness = await startTestDemo();
  try {
    const exportLine = harness.demo.lines.find((l) => l.startsWith('export GW='));
    assert.ok(exportLine, 'the demo prints the export line');
    const script = block
      .split('\n')
      .filter((line) => !line.includes('curl -sN'))
      .map((line) => (line.startsWith('export GW=') ? exportLine : line))
      .join('\n');
    assert.notEqual(script, block.replace(/^export GW=.*$/m, exportLine), 'step 2 was left out');
    // Not spawnSync: the demo runs in this process and must keep answering.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const transcript = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{"items":'))) as {
      items: { role: string; text: string }[];
    };
    assert.deepEqual(
      transcript.items.map((i) => `${i.role}: ${i.text}`),
      [
        'customer: My router blinks red',
        'bot: Let me get you a human.',
        'agent: Hi Ann, I can help.',
        'customer: Thanks! It still blinks.',
      ],
    );
  } finally {
    await harness.close();
  }
});
