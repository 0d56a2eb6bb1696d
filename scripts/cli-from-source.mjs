#!/usr/bin/env node
// The CLI from the TypeScript sources (development and tests): registers tsx, then runs
// src/cli/program.ts — so a test of a child process needs no build. The package's `bin`
// (bin/genesys-handover.js) runs the compiled dist/ instead.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/program.ts');
