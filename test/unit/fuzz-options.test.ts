// Invalid options to every public constructor and factory fail at construction with a
// ConfigurationError that names the option and shows the bad value: one row per option, across
// Manager, Route, the providers, the route helpers, the publishers and publishing handlers, the
// translators, the retry policies and runService(). Options found unchecked are reproduced in
// test/reliability/reproducers/options-not-validated.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigurationError,
  exponentialRetry,
  jsonTranslator,
  linearRetry,
  Manager,
  Route,
  retryAfter,
  snsTranslator,
  withSchema,
} from 'loafer';
import { runService } from 'loafer/cli';
import { SnsPublisher, snsPublishHandler } from 'loafer/sns';
import { SqsProvider, SqsPublisher, snsQueueRoute, sqsForwardHandler, sqsRoute } from 'loafer/sqs';
import { MemoryProvider } from 'loafer/testing';

const SECRET = 'reliability-SECRET-7f3a9c';

function memory(): MemoryProvider {
  return new MemoryProvider();
}

function routeOptions() {
  return { name: 'r', provider: memory(), messageTranslator: jsonTranslator(), handler: () => true };
}

function route(): Route {
  return new Route(routeOptions());
}

const handler = (): boolean => true;

/** [what, the call, the option it must name, how the bad value must be shown] */
type Row = readonly [string, () => unknown, string, string];

const ROWS: readonly Row[] = [
  ['Manager', () => new Manager({ routes: [] }), 'routes', '`[]` (array)'],
  ['Manager', () => new Manager({ routes: [route()], concurrency: 0 }), 'concurrency', '`0` (number)'],
  [
    'Manager',
    () => new Manager({ routes: [route()], shutdownTimeoutMs: -1 }),
    'shutdownTimeoutMs',
    '`-1` (number)',
  ],
  [
    'Manager',
    () => new Manager({ routes: [route()], shutdownAbortGraceMs: 1.5 }),
    'shutdownAbortGraceMs',
    '`1.5` (number)',
  ],
  ['Manager', () => new Manager({ routes: [route()], logger: {} as never }), 'logger', '`{}` (object)'],
  ['Manager', () => new Manager({ routes: [route()], random: 0.5 as never }), 'random', '`0.5` (number)'],
  ['Route', () => new Route({ ...routeOptions(), name: '' }), 'name', '`""` (string)'],
  ['Route', () => new Route({ ...routeOptions(), concurrency: 0 }), 'concurrency', '`0` (number)'],
  [
    'Route',
    () => new Route({ ...routeOptions(), maxConcurrentFetches: 0 }),
    'maxConcurrentFetches',
    '`0` (number)',
  ],
  ['Route', () => new Route({ ...routeOptions(), handlerTimeoutMs: 0 }), 'handlerTimeoutMs', '`0` (number)'],
  [
    'Route',
    () => new Route({ ...routeOptions(), handlerTimeoutGraceMs: -1 }),
    'handlerTimeoutGraceMs',
    '`-1` (number)',
  ],
  ['Route', () => new Route({ ...routeOptions(), retry: 5 as never }), 'retry', '`5` (number)'],
  ['Route', () => new Route({ ...routeOptions(), isFifo: 'yes' as never }), 'isFifo', '`"yes"` (string)'],
  [
    'Route',
    () => new Route({ ...routeOptions(), shouldExtendVisibility: 1 as never }),
    'shouldExtendVisibility',
    '`1` (number)',
  ],
  [
    'Route',
    () => new Route({ ...routeOptions(), visibilityTimeoutSeconds: 0 }),
    'visibilityTimeoutSeconds',
    '`0` (number)',
  ],
  [
    'Route',
    () => new Route({ ...routeOptions(), maxVisibilitySeconds: 50_000 }),
    'maxVisibilitySeconds',
    '`50000` (number)',
  ],
  [
    'Route',
    () => new Route({ ...routeOptions(), onTranslationFailure: 'drop' as never }),
    'onTranslationFailure',
    '`"drop"` (string)',
  ],
  [
    'Route',
    () => new Route({ ...routeOptions(), errorHandler: 'log' as never }),
    'errorHandler',
    '`"log"` (string)',
  ],
  ['Route', () => new Route({ ...routeOptions(), handler: 42 as never }), 'handler', '`42` (number)'],
  ['Route', () => new Route({ ...routeOptions(), provider: {} as never }), 'provider', '`{}` (object)'],
  [
    'Route',
    () => new Route({ ...routeOptions(), messageTranslator: jsonTranslator as never }),
    'messageTranslator',
    '`jsonTranslator` (function)',
  ],
  ['MemoryProvider', () => new MemoryProvider({ name: '' }), 'name', '`""` (string)'],
  [
    'MemoryProvider',
    () => new MemoryProvider({ visibilityTimeoutSeconds: -1 }),
    'visibilityTimeoutSeconds',
    '`-1` (number)',
  ],
  [
    'MemoryProvider',
    () => new MemoryProvider({ waitTimeSeconds: '20' as never }),
    'waitTimeSeconds',
    '`"20"` (string)',
  ],
  [
    'MemoryProvider',
    () => new MemoryProvider({ maxMessagesPerFetch: 0 }),
    'maxMessagesPerFetch',
    '`0` (number)',
  ],
  [
    'MemoryProvider',
    () => new MemoryProvider({ maxReceiveCount: 0, deadLetterQueue: memory() }),
    'maxReceiveCount',
    '`0` (number)',
  ],
  ['MemoryProvider', () => new MemoryProvider({ deadLetterQueue: memory() }), 'deadLetterQueue', '(object)'],
  ['MemoryProvider', () => new MemoryProvider({ isFifo: 'no' as never }), 'isFifo', '`"no"` (string)'],
  ['SqsProvider', () => new SqsProvider({ queue: 'bad name!' }), 'queue', '`"bad name!"` (string)'],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', waitTimeSeconds: 21 }),
    'waitTimeSeconds',
    '`21` (number)',
  ],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', maxMessagesPerFetch: 11 }),
    'maxMessagesPerFetch',
    '`11` (number)',
  ],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', requestTimeoutMs: 1000 }),
    'requestTimeoutMs',
    '`1000` (number)',
  ],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', endpoint: 'ftp://x' }),
    'endpoint',
    '`"ftp://x"` (string)',
  ],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', region: '' }), 'region', '`""` (string)'],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', credentials: { accessKeyId: 1, secretAccessKey: SECRET } as never }),
    'credentials',
    '[credentials]',
  ],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', maxAttempts: 0 }), 'maxAttempts', '`0` (number)'],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', visibilityTimeoutSeconds: -1 }),
    'visibilityTimeoutSeconds',
    '`-1` (number)',
  ],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', ackBatchWindowMs: -1 }),
    'ackBatchWindowMs',
    '`-1` (number)',
  ],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', ackMaxAttempts: 0 }), 'ackMaxAttempts', '`0` (number)'],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', attributeNames: [] }),
    'attributeNames',
    '`[]` (array)',
  ],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', messageAttributeNames: 'All' as never }),
    'messageAttributeNames',
    '`"All"` (string)',
  ],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', logger: {} as never }), 'logger', '`{}` (object)'],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', clock: {} as never }), 'clock', '`{}` (object)'],
  ['SqsProvider', () => new SqsProvider({ queue: 'q', random: 1 as never }), 'random', '`1` (number)'],
  [
    'SqsProvider',
    () => new SqsProvider({ queue: 'q', queueOwnerAccountId: '' }),
    'queueOwnerAccountId',
    '`""` (string)',
  ],
  ['sqsRoute', () => sqsRoute('', { handler }), 'queue', '`""` (string)'],
  ['sqsRoute', () => sqsRoute('q', { name: '', handler }), 'name', '`""` (string)'],
  ['sqsRoute', () => sqsRoute('q', { concurrency: 0, handler }), 'concurrency', '`0` (number)'],
  ['sqsRoute', () => sqsRoute('q', { schema: {} as never, handler }), 'schema', '`{}` (object)'],
  ['sqsRoute', () => sqsRoute('q', { handler: undefined as never }), 'handler', '`undefined`'],
  ['sqsRoute', () => sqsRoute('q', { waitTimeSeconds: 30, handler }), 'waitTimeSeconds', '`30` (number)'],
  [
    'sqsRoute',
    () => sqsRoute('q', { provider: memory(), waitTimeSeconds: 1, handler } as never),
    'waitTimeSeconds',
    '`1` (number)',
  ],
  [
    'snsQueueRoute',
    () => snsQueueRoute('q', { rawDelivery: 'maybe' as never, handler }),
    'rawDelivery',
    '`"maybe"` (string)',
  ],
  [
    'snsQueueRoute',
    () => snsQueueRoute('q', { handlerTimeoutMs: -5, handler }),
    'handlerTimeoutMs',
    '`-5` (number)',
  ],
  ['SqsPublisher', () => new SqsPublisher({ queue: '' }), 'queue', '`""` (string)'],
  ['SqsPublisher', () => new SqsPublisher({ queue: 'bad name' }), 'queue', '`"bad name"` (string)'],
  [
    'SqsPublisher',
    () => new SqsPublisher({ queue: 'q', maxMessageBytes: 0 }),
    'maxMessageBytes',
    '`0` (number)',
  ],
  [
    'SqsPublisher',
    () => new SqsPublisher({ queue: 'q', requestTimeoutMs: 0 }),
    'requestTimeoutMs',
    '`0` (number)',
  ],
  [
    'SqsPublisher',
    () => new SqsPublisher({ queue: 'q', retry: { maxAttempts: 0 } }),
    'retry.maxAttempts',
    '`0` (number)',
  ],
  [
    'SqsPublisher',
    () => new SqsPublisher({ queue: 'q', encoder: 'xml' as never }),
    'encoder',
    '`"xml"` (string)',
  ],
  ['SqsPublisher', () => new SqsPublisher({ queue: 'q', endpoint: 'nope' }), 'endpoint', '`"nope"` (string)'],
  [
    'sqsForwardHandler',
    () => sqsForwardHandler({ queue: 'q', delaySeconds: 901 }),
    'delaySeconds',
    '`901` (number)',
  ],
  ['sqsForwardHandler', () => sqsForwardHandler({} as never), 'queue', '`undefined`'],
  ['SnsPublisher', () => new SnsPublisher({ topic: '' }), 'topic', '`""` (string)'],
  [
    'SnsPublisher',
    () => new SnsPublisher({ topic: 't', maxMessageBytes: -1 }),
    'maxMessageBytes',
    '`-1` (number)',
  ],
  [
    'SnsPublisher',
    () => new SnsPublisher({ topic: 't', retry: { baseDelayMs: -1 } }),
    'retry.baseDelayMs',
    '`-1` (number)',
  ],
  ['snsPublishHandler', () => snsPublishHandler({} as never), 'topic', '`undefined`'],
  [
    'snsPublishHandler',
    () => snsPublishHandler({ topic: 't', subject: 5 as never }),
    'subject',
    '`5` (number)',
  ],
  [
    'snsTranslator',
    () => snsTranslator({ messageFormat: 'xml' as never }),
    'messageFormat',
    '`"xml"` (string)',
  ],
  ['snsTranslator', () => snsTranslator({ rawDelivery: true as never }), 'rawDelivery', '`true` (boolean)'],
  ['withSchema', () => withSchema(jsonTranslator(), {} as never), 'schema', '`{}` (object)'],
  ['exponentialRetry', () => exponentialRetry({ baseSeconds: -1 }), 'baseSeconds', '`-1` (number)'],
  ['exponentialRetry', () => exponentialRetry({ maxSeconds: Number.NaN }), 'maxSeconds', '`NaN` (number)'],
  ['exponentialRetry', () => exponentialRetry({ random: 4 as never }), 'random', '`4` (number)'],
  ['linearRetry', () => linearRetry({ stepSeconds: -1 }), 'stepSeconds', '`-1` (number)'],
  ['linearRetry', () => linearRetry({ maxSeconds: 50_000 }), 'maxSeconds', '`50000` (number)'],
  ['retryAfter', () => retryAfter(-1), 'delaySeconds', '`-1` (number)'],
  ['retryAfter', () => retryAfter(Number.NaN), 'delaySeconds', '`NaN` (number)'],
  [
    'runService',
    () => runService({} as never, { signals: ['SIGFOO' as never], shouldExit: false }),
    'signals',
    '`["SIGFOO"]` (array)',
  ],
  [
    'runService',
    () => runService({} as never, { shouldExit: 'no' as never }),
    'shouldExit',
    '`"no"` (string)',
  ],
  ['runService', () => runService({} as never, { exit: 1 as never }), 'exit', '`1` (number)'],
  ['runService', () => runService({} as never, { logger: {} as never }), 'logger', '`{}` (object)'],
  [
    'runService',
    () => runService({} as never, { signalSource: {} as never }),
    'signalSource',
    '`{}` (object)',
  ],
];

describe('invalid options fail at construction', () => {
  for (const [what, call, option, shown] of ROWS) {
    it(`${what}: \`${option}\` ${shown}`, () => {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
        assert.equal(error.code, 'LOAFER_ERR_CONFIG_INVALID_OPTION');
        assert.equal(error.option, option);
        assert.ok(error.message.includes(`\`${option}\``), `"${error.message}" should name \`${option}\``);
        assert.ok(error.message.includes(shown), `"${error.message}" should show the value as ${shown}`);
        assert.ok(!error.message.includes(SECRET), 'the message must not echo a secret');
        return true;
      });
    });
  }
});
