// A real-time pause, for tests that must let wall-clock time pass (never to wait for a state: use waitFor).
export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));
