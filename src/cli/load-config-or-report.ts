// Loads the configuration for a command; a bad one is reported (every problem) with exit code 2.
import { ConfigError, loadConfigFile } from '../config/load.ts';
import type { GatewayConfig } from '../config/schema.ts';

export function loadConfigOrReport(path: string): GatewayConfig | undefined {
  try {
    return loadConfigFile(path);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
