// Keeps a command alive until SIGINT/SIGTERM, then runs its graceful stop (bounded, exit code 0).
// `timeoutMs` is a safety net above the stop's own bound: reaching it is a bug, reported with exit 1
// and the parts of the stop still running (`stopping`), so the report says where it hung.
export async function runUntilSignal(
  stop: () => Promise<void>,
  opts: { timeoutMs?: number; stopping?: () => readonly string[] } = {},
): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const timer = setTimeout(() => {
    const waiting = opts.stopping?.() ?? [];
    const what = waiting.length > 0 ? `; still waiting for: ${waiting.join(', ')}` : '';
    process.stderr.write(`shutdown took longer than ${timeoutMs} ms${what}; exiting\n`);
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  process.stderr.write(`${signal}: shutting down\n`);
  await stop();
  clearTimeout(timer);
}
