// Loads the configuration for a command; a bad one is reported (every problem) with exit code 2.
import { ConfigError } from '../config/load.ts';

/** `load` reads a file and/or the environment (config/load.ts); a ConfigError becomes exit code 2. */
export function loadOrReport<T>(load: () => T): T | undefined {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
