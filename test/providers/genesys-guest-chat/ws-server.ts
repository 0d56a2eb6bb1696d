// A scriptable WebSocket server on 127.0.0.1:0 for event-stream tests.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface TestWsServer {
  readonly url: string;
  readonly port: number;
  /** Every accepted connection, in order, with its upgrade request. */
  readonly connections: { socket: WebSocket; request: IncomingMessage }[];
  /** When set, the next handshakes are refused with this status. */
  rejectWith: number | undefined;
  close(): Promise<void>;
}

export async function startWsServer(
  onConnection?: (socket: WebSocket, request: IncomingMessage) => void,
): Promise<TestWsServer> {
  const state: { rejectWith: number | undefined } = { rejectWith: undefined };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, cb) => (state.rejectWith === undefined ? cb(true) : cb(false, state.rejectWith)),
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const { port } = wss.address() as AddressInfo;
  const connections: TestWsServer['connections'] = [];
  wss.on('connection', (socket, request) => {
    connections.push({ socket, request });
    onConnection?.(socket, request);
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    connections,
    get rejectWith() {
      return state.rejectWith;
    },
    set rejectWith(v) {
      state.rejectWith = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
