// A TCP fault proxy between a service and its SQS server, switchable at runtime:
//
//   pass       forward bytes both ways
//   delay      forward bytes both ways, each chunk `delayMs` late
//   reset      reset (RST) every open connection, and every new one as soon as it is accepted
//   blackhole  accept connections, read what clients send, never forward or answer; open connections
//              are held the same way. Leaving blackhole resets the held connections, as a firewall or
//              NAT that lost their state would: their requests are gone, the client must notice.
//   refuse     close the listening socket (new connections are refused) and reset open ones;
//              leaving refuse listens again on the same port
//
// Every request a client sends is read (see http-requests.ts) and recorded with its AWS action, in
// every mode but refuse (nothing arrives) and reset (connections die before a request is read), so
// that the number of receive attempts during an outage can be counted where they arrive.
import { EventEmitter } from 'node:events';
import type { Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';
import type { ObservedRequest } from './http-requests.js';
import { HttpRequestReader } from './http-requests.js';

/** How the proxy treats traffic. */
export type FaultMode = 'pass' | 'delay' | 'reset' | 'blackhole' | 'refuse';

/** The fault modes, for validation and CLI parsing. */
export const FAULT_MODES: readonly FaultMode[] = ['pass', 'delay', 'reset', 'blackhole', 'refuse'];

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** The port of the server to forward to. */
  readonly targetPort: number;
  /** Its host. Default `127.0.0.1`. */
  readonly targetHost?: string;
  /** The port to listen on. Default 0 (a free port). */
  readonly port?: number;
  /** The latency `delay` mode adds to each chunk, in milliseconds. Default 500. */
  readonly delayMs?: number;
}

/** A request seen by the proxy. */
export interface ProxyRequest extends ObservedRequest {
  /** When it was read (epoch ms). */
  readonly at: number;
  /** The proxy's mode at that moment: `pass` and `delay` requests were forwarded, the others not. */
  readonly mode: FaultMode;
}

/** What the proxy saw since it started. */
export interface FaultProxyStats {
  /** Connections accepted (reset-on-accept ones included). */
  readonly connections: number;
  /** Connections the proxy reset (reset mode, refuse mode, leaving blackhole). */
  readonly resets: number;
  /** Connections open now. */
  readonly open: number;
  /** Requests read, by AWS action. */
  readonly requests: Readonly<Record<string, number>>;
  /** Connections whose bytes could not be read as HTTP/1.1 requests. */
  readonly unparsable: number;
}

interface Connection {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/**
 * The fault proxy. Start it with {@link FaultProxy.start}, point the service at {@link url}, switch
 * modes with {@link setMode}. Emits `request` with a {@link ProxyRequest} for each request read.
 */
export class FaultProxy extends EventEmitter<{ request: [ProxyRequest]; mode: [FaultMode] }> {
  readonly #server: Server;
  readonly #targetHost: string;
  readonly #targetPort: number;
  readonly #connections = new Set<Connection>();
  readonly #requests = new Map<string, number>();
  #port: number;
  #mode: FaultMode = 'pass';
  #delayMs: number;
  #accepted = 0;
  #resets = 0;
  #unparsable = 0;
  #isClosed = false;

  private constructor(server: Server, port: number, options: FaultProxyOptions) {
    super();
    this.#server = server;
    this.#port = port;
    this.#targetHost = options.targetHost ?? '127.0.0.1';
    this.#targetPort = options.targetPort;
    this.#delayMs = options.delayMs ?? 500;
  }

  /** Starts a proxy in `pass` mode and resolves once it listens. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    if (!Number.isInteger(options.targetPort) || options.targetPort <= 0) {
      throw new TypeError(`targetPort must be a port number, got ${String(options.targetPort)}`);
    }
    const server = createServer({ noDelay: true });
    const port = await listen(server, options.port ?? 0);
    const proxy = new FaultProxy(server, port, options);
    server.on('connection', (socket) => proxy.#accept(socket));
    return proxy;
  }

  /** The port the proxy listens on (kept across `refuse`). */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`: the endpoint to give the service. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The current mode. */
  get mode(): FaultMode {
    return this.#mode;
  }

  /** Counters since start. */
  stats(): FaultProxyStats {
    return {
      connections: this.#accepted,
      resets: this.#resets,
      open: this.#connections.size,
      requests: Object.fromEntries(this.#requests),
      unparsable: this.#unparsable,
    };
  }

  /**
   * Switches mode; resolves when the switch took effect (for `refuse`, once the listening socket is
   * closed; leaving it, once it listens again).
   */
  async setMode(mode: FaultMode, options: { readonly delayMs?: number } = {}): Promise<void> {
    if (!FAULT_MODES.includes(mode)) throw new TypeError(`unknown fault mode ${String(mode)}`);
    if (this.#isClosed) throw new Error('the fault proxy is closed');
    if (options.delayMs !== undefined) this.#delayMs = options.delayMs;
    const previous = this.#mode;
    if (mode === previous) return;
    this.#mode = mode;
    if (previous === 'refuse') this.#port = await listen(this.#server, this.#port);
    if (mode === 'reset' || mode === 'refuse' || previous === 'blackhole') this.#resetAll();
    if (mode === 'refuse') await closeListener(this.#server);
    this.emit('mode', mode);
  }

  /** Resets every open connection and stops listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#resetAll();
    if (this.#mode !== 'refuse') await closeListener(this.#server);
  }

  #accept(client: Socket): void {
    this.#accepted += 1;
    if (this.#mode === 'reset' || this.#mode === 'refuse' || this.#isClosed) {
      this.#resets += 1;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const connection: Connection = { client, upstream: undefined };
    this.#connections.add(connection);
    const reader = new HttpRequestReader(
      (request) => this.#record(request),
      () => {
        this.#unparsable += 1;
      },
    );
    client.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      this.#forward(chunk, connection.upstream);
    });
    client.on('end', () => this.#later(() => connection.upstream?.end()));
    client.on('error', () => this.#reset(connection));
    client.on('close', () => this.#forget(connection));
    if (this.#mode === 'blackhole') return;
    this.#connectUpstream(connection);
  }

  #connectUpstream(connection: Connection): void {
    const upstream = createConnection({ host: this.#targetHost, port: this.#targetPort, noDelay: true });
    connection.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => this.#forward(chunk, connection.client));
    upstream.on('end', () => this.#later(() => connection.client.end()));
    upstream.on('error', () => this.#reset(connection));
    upstream.on('close', () => this.#forget(connection));
  }

  /** Forwards a chunk as the mode says: now, late, or never. */
  #forward(chunk: Buffer, to: Socket | undefined): void {
    if (to === undefined || to.destroyed) return;
    if (this.#mode === 'pass') to.write(chunk);
    else if (this.#mode === 'delay') setTimeout(() => to.destroyed || to.write(chunk), this.#delayMs);
    // blackhole, reset, refuse: dropped.
  }

  #later(run: () => void): void {
    if (this.#mode === 'delay') setTimeout(run, this.#delayMs);
    else if (this.#mode === 'pass') run();
  }

  #record(request: ObservedRequest): void {
    this.#requests.set(request.action, (this.#requests.get(request.action) ?? 0) + 1);
    if (this.listenerCount('request') > 0) {
      this.emit('request', { ...request, at: Date.now(), mode: this.#mode });
    }
  }

  /** Resets both sides: an error on one side, or a mode that cuts connections. */
  #reset(connection: Connection): void {
    if (!connection.client.destroyed) connection.client.resetAndDestroy();
    if (connection.upstream !== undefined && !connection.upstream.destroyed) {
      connection.upstream.resetAndDestroy();
    }
    this.#connections.delete(connection);
  }

  /** Forgets a connection once both of its sides are closed (a graceful end was already passed on). */
  #forget(connection: Connection): void {
    const isUpstreamDone = connection.upstream === undefined || connection.upstream.destroyed;
    if (connection.client.destroyed && isUpstreamDone) this.#connections.delete(connection);
  }

  #resetAll(): void {
    for (const connection of [...this.#connections]) {
      this.#resets += 1;
      this.#reset(connection);
    }
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeListener(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // close() stops accepting at once; its callback waits for open connections, already reset.
    server.close(() => resolve());
  });
}
