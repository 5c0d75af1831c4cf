// The run's handle on fauxqs-process.ts: forks it, creates queues with the real SDK, and reads the
// server's own account of messages (queue contents without receiving, spy events).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsReady, FauxqsReply, FauxqsRequest, QueueContents, SpyEvent } from './fauxqs-protocol.js';

const SERVER_FILE = fileURLToPath(new URL('./fauxqs-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Credentials fauxqs accepts (it never checks them). */
export const RELIABILITY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const RELIABILITY_REGION = 'us-east-1';

/** A queue created for a run. */
export interface RunQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** fauxqs running in a child process. */
export class FauxqsProcess {
  /** `http://127.0.0.1:<port>`: the server itself, not through any proxy. */
  readonly endpoint: string;
  readonly port: number;
  /** An SDK client straight to the server (seeding, draining, creating queues). */
  readonly sqs: SQSClient;
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;
  #spyNext = 0;
  readonly #output: () => string;

  private constructor(child: ChildProcess, port: number, output: () => string) {
    this.#child = child;
    this.#output = output;
    this.port = port;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.sqs = new SQSClient({
      endpoint: this.endpoint,
      region: RELIABILITY_REGION,
      credentials: RELIABILITY_CREDENTIALS,
    });
    child.on('message', (reply: FauxqsReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(reply.error));
    });
    child.on('exit', (code, signal) => {
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`the fauxqs process exited (${code ?? signal}): ${this.#output()}`));
      }
      this.#pending.clear();
    });
  }

  /** Forks the server and resolves once it listens. */
  static async start(): Promise<FauxqsProcess> {
    const child = fork(SERVER_FILE, [], {
      cwd: ROOT,
      execArgv: ['--conditions=source', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4096);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const ready = await new Promise<FauxqsReady>((resolve, reject) => {
      child.on('message', (message: FauxqsReady) => {
        if (message.type === 'ready') resolve(message);
      });
      child.once('exit', (code) => reject(new Error(`the fauxqs process exited early (${code}): ${output}`)));
    });
    return new FauxqsProcess(child, ready.port, () => output);
  }

  /** Creates a queue named `name` (unique per run) with `attributes`. */
  async createQueue(
    name: string,
    attributes: Partial<Record<QueueAttributeName, string>> = {},
  ): Promise<RunQueue> {
    const created = await this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = created.QueueUrl as string;
    const described = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { name, url, arn: described.Attributes?.QueueArn as string };
  }

  /** Creates `name` with a dead-letter queue `name-dlq` after `maxReceiveCount` receives. */
  async createQueueWithDlq(
    name: string,
    maxReceiveCount: number,
    attributes: Partial<Record<QueueAttributeName, string>> = {},
  ): Promise<{ queue: RunQueue; dlq: RunQueue }> {
    const dlq = await this.createQueue(`${name}-dlq`);
    const queue = await this.createQueue(name, {
      ...attributes,
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(maxReceiveCount),
      }),
    });
    return { queue, dlq };
  }

  /** A queue's messages by state (bodies), without receiving them. */
  inspect(queueName: string): Promise<QueueContents> {
    return this.#call({ type: 'inspect', queueName }) as Promise<QueueContents>;
  }

  /** The spy events recorded since the previous call (the first call returns all of them). */
  async newSpyEvents(): Promise<readonly SpyEvent[]> {
    const { events, next } = (await this.#call({ type: 'spyEvents', from: this.#spyNext })) as {
      events: SpyEvent[];
      next: number;
    };
    this.#spyNext = next;
    return events;
  }

  /** Stops the server process. */
  async stop(): Promise<void> {
    this.sqs.destroy();
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    this.#child.disconnect();
    await exited;
    clearTimeout(timer);
  }

  #call(request: FauxqsRequest): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...request, id });
    });
  }
}
