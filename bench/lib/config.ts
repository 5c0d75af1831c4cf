// What the benchmark runs: the contenders, the handler profiles and the scenarios, with their full
// and smoke sizes. Shared by the orchestrator (bench/run.ts) and the consumer children.

/** The consumers under test. Each one runs in its own child process (bench/consumer-child.ts). */
export const CONTENDER_IDS = [
  'loafer',
  'sdk-loop',
  'squiss',
  'sqs-consumer',
  'sqs-consumer-batch',
  'plain-http',
  'sdk-tuned',
  'lean-signed',
] as const;

/** A contender's id; also the file name under bench/contenders/ (the two sqs-consumer modes share one). */
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** How a contender is shown in tables and charts, and how it was set up. */
export interface ContenderInfo {
  readonly id: ContenderId;
  /** Short label for tables and the chart. */
  readonly label: string;
  /** How it is configured for the benchmark (one line, for the docs). */
  readonly setup: string;
  /** A transport prototype measured for the SQS provider's design, not a library users run. */
  readonly isPrototype: boolean;
}

/** Every contender, in the order tables list them. */
export const CONTENDERS: Readonly<Record<ContenderId, ContenderInfo>> = {
  loafer: {
    id: 'loafer',
    label: 'loafer',
    setup:
      'Manager + Route (`SqsProvider` from `loafer/sqs`, `jsonTranslator()`), route concurrency = the scenario’s',
    isPrototype: false,
  },
  'sdk-loop': {
    id: 'sdk-loop',
    label: 'AWS SDK v3 loop',
    setup:
      'stock `SQSClient`; ceil(concurrency/10) pollers, each: ReceiveMessage(10, 20 s) → handlers in parallel → DeleteMessageBatch',
    isPrototype: false,
  },
  squiss: {
    id: 'squiss',
    label: 'squiss-ts',
    setup:
      'squiss-ts 5.x, `maxInFlight` = concurrency, `bodyFormat: json`, `deleteWaitMs: 10`, batches of 10',
    isPrototype: false,
  },
  'sqs-consumer': {
    id: 'sqs-consumer',
    label: 'sqs-consumer (handleMessage)',
    setup:
      'sqs-consumer 14.x `handleMessage`, `batchSize: 10`, ceil(concurrency/10) consumers sharing one SQSClient',
    isPrototype: false,
  },
  'sqs-consumer-batch': {
    id: 'sqs-consumer-batch',
    label: 'sqs-consumer (handleMessageBatch)',
    setup:
      'sqs-consumer 14.x `handleMessageBatch`, `batchSize: 10`, ceil(concurrency/10) consumers sharing one SQSClient',
    isPrototype: false,
  },
  'plain-http': {
    id: 'plain-http',
    label: 'plain HTTP (server ceiling)',
    setup:
      'the SDK loop’s shape over unsigned AWS JSON 1.0 requests on an undici keep-alive pool: what the server itself can do',
    isPrototype: false,
  },
  'sdk-tuned': {
    id: 'sdk-tuned',
    label: 'prototype: SDK v3 tuned',
    setup:
      'the SDK loop with `md5: false`, keep-alive agent, cached resolved middleware stacks, fewer middlewares',
    isPrototype: true,
  },
  'lean-signed': {
    id: 'lean-signed',
    label: 'prototype: lean SigV4 + undici',
    setup:
      'the SDK loop’s shape over AWS JSON 1.0 signed by `@smithy/signature-v4`, credentials from the SDK’s provider chain, undici keep-alive pool',
    isPrototype: true,
  },
};

/** What the handler does with each message. */
export type HandlerProfile = 'noop' | 'io20';

/** One timed configuration, run for each of its contenders in every repetition. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly profile: HandlerProfile;
  /** In-flight messages each contender may hold (its concurrency / maxInFlight knob). */
  readonly concurrency: number;
  /** Messages seeded per run in the full benchmark. */
  readonly messages: number;
  /** Messages seeded per run in the smoke benchmark. */
  readonly smokeMessages: number;
  readonly contenders: readonly ContenderId[];
}

const MAIN: readonly ContenderId[] = [
  'loafer',
  'sdk-loop',
  'squiss',
  'sqs-consumer',
  'sqs-consumer-batch',
  'plain-http',
];

/** The scenarios, in the order they run and are reported. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'noop',
    title: 'noop handler, concurrency 100',
    profile: 'noop',
    concurrency: 100,
    messages: 20_000,
    smokeMessages: 300,
    contenders: [...MAIN, 'sdk-tuned', 'lean-signed'],
  },
  {
    id: 'io20',
    title: 'io20 handler (awaits 20 ms), concurrency 100',
    profile: 'io20',
    concurrency: 100,
    messages: 10_000,
    smokeMessages: 300,
    contenders: MAIN,
  },
  {
    id: 'io20-c500',
    title: 'io20 handler, concurrency 500',
    profile: 'io20',
    concurrency: 500,
    messages: 30_000,
    smokeMessages: 600,
    contenders: [...MAIN, 'sdk-tuned', 'lean-signed'],
  },
  {
    id: 'backlog-100k',
    title: 'backlog of 100,000 messages, io20 handler, concurrency 500',
    profile: 'io20',
    concurrency: 500,
    messages: 100_000,
    smokeMessages: 1_000,
    contenders: MAIN,
  },
];

/** Repetitions of every scenario in the full benchmark (the smoke run does one). */
export const FULL_REPETITIONS = 3;

/** How long the idle measurement counts requests (full runs), in seconds: six 20 s long polls. */
export const IDLE_SECONDS = 120;
/** The route concurrency of the idle measurement. */
export const IDLE_CONCURRENCY = 100;

/** The queue every run gets fresh: long enough visibility that no slow contender sees redeliveries. */
export const QUEUE_ATTRIBUTES: Readonly<Record<string, string>> = {
  VisibilityTimeout: '120',
  ReceiveMessageWaitTimeSeconds: '0',
};

/** Credentials and region the children use (fauxqs never checks them). */
export const BENCH_REGION = 'us-east-1';
export const BENCH_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' } as const;
