#!/usr/bin/env node
// The installed `genesys-handover` command: the compiled CLI in dist/ (made by `npm run build`, which
// `npm start` and `npm pack` run first). In a source checkout without a build, say how to get one.
try {
  await import('../dist/cli/program.js');
} catch (err) {
  const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/program.js');
  if (!missing) throw err;
  process.stderr.write(
    'genesys-handover: dist/ is missing — run `npm run build` (or `node scripts/cli-from-source.mjs` for the sources)\n',
  );
  process.exitCode = 1;
}
