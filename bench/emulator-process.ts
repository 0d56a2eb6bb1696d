// The emulator in its own process for the benchmark: it plays Genesys and the agents, and on a
// machine with spare cores it must not share one with the load generator or the bot's receiver.
//   node --import tsx bench/emulator-process.ts '<EmulatorOptions as JSON>'   → prints `emulator: <url>`
import { startEmulator, type EmulatorOptions } from '../src/emulator/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator(options);
process.stdout.write(`emulator: ${emulator.url}\n`);
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
