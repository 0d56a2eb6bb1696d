#!/usr/bin/env node
// `npm run config:reference`: writes docs/configuration.md and config/genesys-handover.schema.json
// from the zod schema (src/config/reference.ts). `--check`: exit 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { configJsonSchema, configReferenceMarkdown } = await import('../src/config/reference.ts');
const { format } = await import('prettier');

const root = new URL('..', import.meta.url).pathname;
const outputs = [
  ['docs/configuration.md', configReferenceMarkdown(), 'markdown'],
  ['config/genesys-handover.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`, 'json'],
];
let stale = 0;
for (const [file, text, parser] of outputs) {
  const formatted = await format(text, { parser, printWidth: 110, singleQuote: true });
  const path = `${root}${file}`;
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    /* not written yet */
  }
  if (current === formatted) continue;
  stale++;
  if (process.argv.includes('--check')) console.error(`${file} is out of date: run npm run config:reference`);
  else {
    writeFileSync(path, formatted);
    console.log(`wrote ${file}`);
  }
}
process.exit(process.argv.includes('--check') && stale > 0 ? 1 : 0);
