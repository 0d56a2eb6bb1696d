// Runs an ES module script in a fresh Node process with the sources' loader (tsx), from the
// repository's root, and answers what it wrote to stdout: for tests of what a process loads, which
// only a process that has loaded nothing yet can show.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root, for the script's imports (`new URL('src/…', repositoryRoot).href`). */
export const repositoryRoot = new URL('../../', import.meta.url);

export async function runModuleScript(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repositoryRoot,
    timeout: 60_000,
  });
  return stdout;
}
