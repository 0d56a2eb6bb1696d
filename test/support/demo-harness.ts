// Starts the demo exactly as `npm start` does (emulator + gateway + demo bot, via startDemo()), on
// 127.0.0.1 port 0 with a throwaway SQLite file and short timers. `close()` stops and cleans up.
import { FAST_ENGINE } from './fast-engine.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startDemo, type RunningDemo } from '../../src/cli/start-demo.ts';

export interface DemoUnderTest {
  readonly demo: RunningDemo;
  close(): Promise<void>;
}

export async function startTestDemo(): Promise<DemoUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-browser-'));
  const demo = await startDemo({
    host: '127.0.0.1',
    port: 0,
    emulatorPort: 0,
    chatPort: 0,
    data: join(dir, 'demo.db'),
    autoAgent: false,
    logLevel: 'silent',
    emulator: { heartbeatIntervalMs: 1000, disconnectGraceMs: 15_000 },
    tuning: {
      streamHeartbeatMs: 1000,
      streamGraceMs: 15_000,
      engine: FAST_ENGINE,
      sseKeepAliveMs: 2000,
    },
    logger: pino({ level: process.env.GH_TEST_LOG ?? 'silent' }),
  });
  return {
    demo,
    close: async () => {
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
