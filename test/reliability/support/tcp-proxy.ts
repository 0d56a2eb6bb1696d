// A TCP proxy on 127.0.0.1 in front of the emulator, to cut the network between gateway and Genesys
// for as long as a test needs — longer than the gateway's reconnect would take after a plain
// dropped socket. While cut, open connections are destroyed (the client sees a reset, like 1006) and
// new ones are accepted and destroyed at once. REST and the event stream go through it alike
// (the emulator builds the eventStreamUri from the Host header the client used).
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #cut = false;
  /** Connections refused while cut (reconnect attempts, REST calls). */
  refused = 0;

  constructor(readonly targetPort: number) {}

  async start(): Promise<this> {
    this.#server = createServer((client) => {
      if (this.#cut) {
        this.refused += 1;
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.#track(client);
      this.#track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const kill = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', kill);
      upstream.on('error', kill);
      client.on('close', kill);
      upstream.on('close', kill);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    const addr = this.#server?.address();
    if (!addr || typeof addr !== 'object') throw new Error('proxy not started');
    return addr.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Cuts the network: every connection is reset, new ones too, until heal(). */
  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.destroy();
  }

  heal(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.once('close', () => this.#sockets.delete(s));
  }
}
