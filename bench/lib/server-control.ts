// The orchestrator's handle on the fauxqs server process (bench/fauxqs-server.ts).
import type { ServerEnvelope, ServerMessage, ServerRequest, ServerSnapshot } from './ipc.js';
import { childEnv, type ForkedChild, forkBenchChild, waitForExit } from './processes.js';

/** A running fauxqs server process. */
export class ServerControl {
  readonly endpoint: string;
  readonly fauxqsVersion: string;
  readonly #child: ForkedChild;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;

  private constructor(child: ForkedChild, endpoint: string, fauxqsVersion: string) {
    this.#child = child;
    this.endpoint = endpoint;
    this.fauxqsVersion = fauxqsVersion;
    child.process.on('message', (message: ServerMessage) => {
      if (message.type !== 'reply') return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.error));
    });
    child.process.on('exit', (code, signal) => {
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`fauxqs server exited (${code ?? signal}): ${child.output()}`));
      }
      this.#pending.clear();
    });
  }

  /** Forks the server and waits until it listens. */
  static async start(): Promise<ServerControl> {
    const child = forkBenchChild('fauxqs-server', [], childEnv(undefined));
    const ready = await new Promise<Extract<ServerMessage, { type: 'ready' }>>((resolve, reject) => {
      child.process.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') resolve(message);
      });
      child.process.once('exit', (code) =>
        reject(new Error(`fauxqs server exited early (${code}): ${child.output()}`)),
      );
    });
    return new ServerControl(child, ready.endpoint, ready.fauxqsVersion);
  }

  #call<T>(request: ServerRequest): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const envelope: ServerEnvelope = { id, request };
      this.#child.process.send(envelope);
    });
  }

  /** Creates a queue; resolves with its URL. */
  createQueue(name: string, attributes: Record<string, string>): Promise<string> {
    return this.#call({ type: 'createQueue', name, attributes });
  }

  deleteQueue(name: string): Promise<void> {
    return this.#call({ type: 'deleteQueue', name });
  }

  /** Zeroes the request counters and the CPU reading. */
  resetCounts(): Promise<void> {
    return this.#call({ type: 'resetCounts' });
  }

  /**
   * Requests (those that arrived until `untilMs`, when given) and CPU since the last reset, and the
   * state of `queueName`.
   */
  snapshot(queueName: string, untilMs: number | undefined): Promise<ServerSnapshot> {
    return this.#call({ type: 'snapshot', queueName, untilMs });
  }

  /** Stops the server process. */
  async stop(): Promise<void> {
    this.#child.process.disconnect();
    await waitForExit(this.#child.process, 5000);
  }
}
