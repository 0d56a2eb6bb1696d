// The `genesys-handover` command.
import { Command } from 'commander';
import { packageVersion } from '../composition/package-version.ts';
import { deadLettersCommand } from './dead-letters-command.ts';
import { demoCommand } from './demo-command.ts';
import { emulatorCommand } from './emulator-command.ts';
import { keygenCommand } from './keygen-command.ts';
import { parkedEventsCommand } from './parked-events-command.ts';
import { purgeCommand } from './purge-command.ts';
import { serveCommand } from './serve-command.ts';

const program = new Command('genesys-handover')
  .description('Hand a bot conversation to a Genesys Cloud agent and back')
  .version(packageVersion())
  .addCommand(demoCommand())
  .addCommand(serveCommand())
  .addCommand(emulatorCommand())
  .addCommand(deadLettersCommand())
  .addCommand(purgeCommand())
  .addCommand(keygenCommand())
  .addCommand(parkedEventsCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`genesys-handover: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
