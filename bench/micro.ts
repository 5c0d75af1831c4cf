// The in-memory microbenchmark: loafer's own cost per message, without a network, against bare async
// loops. Runs in its own process (forked by bench/run.ts, or standalone:
// `node --conditions=source --import tsx bench/micro.ts [messages] [repetitions]`).
//
// Variants, all with the same handler (async, returns true) and the same JSON decoding:
// - bare-loop: `for (const body of bodies) await handler(JSON.parse(body))`, no provider at all;
// - bare-array / loafer-array: a bare fetch-handle-confirm loop, and loafer's Manager, on a
//   zero-cost array provider (fetch and confirm are O(1)): their difference is the framework;
// - bare-memory / loafer-memory: the same on `MemoryProvider` from `loafer/testing`, every message
//   sent before the timed part.
import type { InboundMessage, Provider } from 'loafer';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { MemoryProvider } from 'loafer/testing';
import { summarize } from './lib/stats.js';

/** One variant's samples, microseconds per message. */
export interface MicroVariant {
  readonly id: string;
  readonly label: string;
  readonly microsPerMessage: readonly number[];
}

/** What the microbenchmark reports. */
export interface MicroResult {
  readonly messages: number;
  readonly repetitions: number;
  readonly routeConcurrency: number;
  readonly variants: readonly MicroVariant[];
}

const ROUTE_CONCURRENCY = 10;

const handler = async (_content: unknown): Promise<boolean> => true;

function bodies(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({ id: index, kind: 'bench.message', payload: 'x'.repeat(64) }),
  );
}

/** A provider with O(1) fetch and confirm over a prepared array: measures everything but itself. */
class ArrayProvider implements Provider<number> {
  readonly description = 'array queue';
  readonly maxMessagesPerFetch = 10;
  readonly #messages: readonly InboundMessage<number>[];
  #next = 0;
  confirmed = 0;

  constructor(texts: readonly string[]) {
    this.#messages = texts.map((body, index) => ({
      id: String(index),
      body,
      receiveCount: 1,
      attributes: {},
      systemAttributes: {},
      raw: index,
    }));
  }

  async fetchMessages({
    maxMessages,
    signal,
  }: {
    maxMessages: number;
    signal: AbortSignal;
  }): Promise<readonly InboundMessage<number>[]> {
    if (this.#next >= this.#messages.length) {
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return [];
    }
    const batch = this.#messages.slice(this.#next, this.#next + maxMessages);
    this.#next += batch.length;
    return batch;
  }

  async confirmMessage(): Promise<void> {
    this.confirmed += 1;
  }

  async releaseMessage(): Promise<void> {}

  async stop(): Promise<void> {}
}

/** MemoryProvider from loafer/testing with every message sent before the timed part. */
function memoryProvider(texts: readonly string[]): MemoryProvider {
  const provider = new MemoryProvider({ waitTimeSeconds: 1 });
  for (const text of texts) provider.send(text);
  return provider;
}

async function bareLoop(texts: readonly string[]): Promise<number> {
  const startedAt = process.hrtime.bigint();
  for (const text of texts) await handler(JSON.parse(text));
  return Number(process.hrtime.bigint() - startedAt) / 1000;
}

async function bareProviderLoop(provider: Provider, count: number): Promise<number> {
  const controller = new AbortController();
  const startedAt = process.hrtime.bigint();
  let done = 0;
  while (done < count) {
    const batch = await provider.fetchMessages({ maxMessages: 10, signal: controller.signal });
    for (const message of batch) {
      if (await handler(JSON.parse(message.body))) await provider.confirmMessage(message);
      done += 1;
    }
  }
  const micros = Number(process.hrtime.bigint() - startedAt) / 1000;
  controller.abort();
  await provider.stop();
  return micros;
}

async function loaferRun(provider: Provider, count: number): Promise<number> {
  const route = new Route({
    name: 'micro',
    provider,
    messageTranslator: jsonTranslator(),
    handler,
    concurrency: ROUTE_CONCURRENCY,
  });
  const manager = new Manager({ routes: [route], logger: silentLogger });
  let acked = 0;
  let finishedAt = 0n;
  const finished = new Promise<void>((resolve) => {
    manager.on('messageAcked', () => {
      acked += 1;
      if (acked === count) {
        finishedAt = process.hrtime.bigint();
        resolve();
      }
    });
  });
  const startedAt = process.hrtime.bigint();
  const running = manager.run();
  await finished;
  await manager.stop();
  await running;
  return Number(finishedAt - startedAt) / 1000;
}

const VARIANTS: ReadonlyArray<{
  readonly id: string;
  readonly label: string;
  readonly run: (texts: readonly string[]) => Promise<number>;
}> = [
  { id: 'bare-loop', label: 'bare async loop (await handler per message)', run: bareLoop },
  {
    id: 'bare-array',
    label: 'bare loop: fetch/handle/confirm on an O(1) array provider',
    run: (texts) => bareProviderLoop(new ArrayProvider(texts), texts.length),
  },
  {
    id: 'loafer-array',
    label: `loafer Manager (concurrency ${ROUTE_CONCURRENCY}) on the array provider`,
    run: (texts) => loaferRun(new ArrayProvider(texts), texts.length),
  },
  {
    id: 'bare-memory',
    label: 'bare loop: fetch/handle/confirm on MemoryProvider',
    run: (texts) => bareProviderLoop(memoryProvider(texts), texts.length),
  },
  {
    id: 'loafer-memory',
    label: `loafer Manager (concurrency ${ROUTE_CONCURRENCY}) on MemoryProvider`,
    run: (texts) => loaferRun(memoryProvider(texts), texts.length),
  },
];

/** Runs every variant `repetitions` times, interleaved, after one warm-up pass each. */
async function runMicro(messages: number, repetitions: number): Promise<MicroResult> {
  const texts = bodies(messages);
  const warmup = texts.slice(0, Math.min(texts.length, 5000));
  for (const variant of VARIANTS) await variant.run(warmup);
  const samples = new Map<string, number[]>(VARIANTS.map((variant) => [variant.id, []]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const variant of VARIANTS) {
      const micros = await variant.run(texts);
      samples.get(variant.id)?.push(micros / messages);
    }
  }
  return {
    messages,
    repetitions,
    routeConcurrency: ROUTE_CONCURRENCY,
    variants: VARIANTS.map((variant) => ({
      id: variant.id,
      label: variant.label,
      microsPerMessage: samples.get(variant.id) ?? [],
    })),
  };
}

const messages = Number(process.argv[2] ?? 100_000);
const repetitions = Number(process.argv[3] ?? 3);
const result = await runMicro(messages, repetitions);
if (process.send === undefined) {
  for (const variant of result.variants) {
    const summary = summarize(variant.microsPerMessage);
    process.stdout.write(
      `${variant.id.padEnd(14)} ${summary?.median.toFixed(3)} µs/message (${summary?.min.toFixed(3)}–${summary?.max.toFixed(3)})\n`,
    );
  }
} else {
  process.send(result, undefined, {}, () => process.exit(0));
}
