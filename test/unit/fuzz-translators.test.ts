// Fuzzed bodies through every translator and through schema routes on the in-memory provider: no
// crash, no unhandled rejection, every failure a TranslationError with a readable reason that does not
// echo the body, and nothing deleted unless it was handled or the route says to dead-letter it.
// Bodies come from test/reliability/fuzz-bodies.ts (deterministic seed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage, MessageTranslator } from 'loafer';
import {
  isTranslationError,
  jsonTranslator,
  Manager,
  Route,
  rawTranslator,
  snsTranslator,
  stringTranslator,
  withSchema,
} from 'loafer';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import { z } from 'zod';
import type { FuzzBody, FuzzKind } from '../reliability/fuzz-bodies.js';
import { FUZZ_MARKER, generateBodies } from '../reliability/fuzz-bodies.js';

const SEED = 0x10afe4;
const BODY_COUNT = 100_000;
const ROUTE_BODY_COUNT = 5000;
const TRANSLATION_CODES = new Set([
  'LOAFER_ERR_TRANSLATION_EMPTY_BODY',
  'LOAFER_ERR_TRANSLATION_NOT_JSON',
  'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE',
  'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
  'LOAFER_ERR_TRANSLATION_FAILED',
]);

const Friend = z.object({
  id: z.string(),
  username: z.string().min(1),
  email: z.email().optional(),
});

const TRANSLATORS: ReadonlyArray<readonly [string, MessageTranslator<unknown, unknown>]> = [
  ['jsonTranslator()', jsonTranslator()],
  ['snsTranslator()', snsTranslator()],
  ["snsTranslator({ messageFormat: 'string' })", snsTranslator({ messageFormat: 'string' })],
  ["snsTranslator({ rawDelivery: 'accept' })", snsTranslator({ rawDelivery: 'accept' })],
  [
    "snsTranslator({ rawDelivery: 'accept', messageFormat: 'string' })",
    snsTranslator({ rawDelivery: 'accept', messageFormat: 'string' }),
  ],
  ['stringTranslator()', stringTranslator()],
  ['stringTranslator({ isEmptyRejected: true })', stringTranslator({ isEmptyRejected: true })],
  ['rawTranslator()', rawTranslator()],
  ['withSchema(jsonTranslator(), Friend)', withSchema(jsonTranslator(), Friend)],
  ['withSchema(snsTranslator(), Friend)', withSchema(snsTranslator(), Friend)],
  [
    "withSchema(snsTranslator({ rawDelivery: 'accept' }), Friend)",
    withSchema(snsTranslator({ rawDelivery: 'accept' }), Friend),
  ],
];

function inbound(body: FuzzBody): InboundMessage {
  return {
    id: `fuzz-${body.index}`,
    body: body.body,
    receiveCount: 1,
    attributes: {},
    systemAttributes: {},
    raw: undefined,
  };
}

/** Translates; resolves with the error when it fails, undefined when it succeeds. */
function translate(translator: MessageTranslator<unknown, unknown>, message: InboundMessage): unknown {
  try {
    const result = translator.translate(message);
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result).then(
        () => undefined,
        (error: unknown) => error ?? new Error('rejected with nothing'),
      );
    }
    return undefined;
  } catch (error) {
    return error ?? new Error('threw nothing');
  }
}

/** Why `error` is not an acceptable translation failure, or undefined when it is one. */
function problemWith(error: unknown): string | undefined {
  if (!isTranslationError(error)) return `not a TranslationError: ${String(error)}`;
  if (!TRANSLATION_CODES.has(error.code)) return `unexpected code ${error.code}`;
  const text = error.message;
  if (text.length < 8 || text.length > 600) return `unreadable reason (${text.length} characters)`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked.
  if (/[\u0000-\u001f\u007f]/.test(text)) return `control characters in the reason: ${JSON.stringify(text)}`;
  if (text.includes(FUZZ_MARKER)) return `the reason echoes the body: ${text.slice(0, 200)}`;
  return undefined;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

before(() => {
  process.on('unhandledRejection', onUnhandled);
});

after(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('translators under fuzzed bodies', () => {
  it(`turn ${BODY_COUNT.toLocaleString('en')} generated bodies into content or a readable TranslationError`, async (t) => {
    const tallies = new Map<string, { ok: number; failed: Map<string, number> }>();
    for (const [name] of TRANSLATORS) tallies.set(name, { ok: 0, failed: new Map() });
    const kinds = new Map<FuzzKind, number>();
    const problems: string[] = [];

    for (const body of generateBodies(SEED, BODY_COUNT)) {
      kinds.set(body.kind, (kinds.get(body.kind) ?? 0) + 1);
      const message = inbound(body);
      for (const [name, translator] of TRANSLATORS) {
        let error = translate(translator, message);
        if (error instanceof Promise) error = await error;
        const tally = tallies.get(name) as { ok: number; failed: Map<string, number> };
        if (error === undefined) {
          tally.ok += 1;
          continue;
        }
        const code = isTranslationError(error) ? error.code : 'CRASH';
        tally.failed.set(code, (tally.failed.get(code) ?? 0) + 1);
        const problem = problemWith(error);
        if (problem !== undefined && problems.length < 10) {
          problems.push(`${name} on body #${body.index} (${body.kind}): ${problem}`);
        }
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    for (const [name, tally] of tallies) {
      t.diagnostic(`${name}: ${tally.ok} ok, failed ${JSON.stringify(Object.fromEntries(tally.failed))}`);
    }
    t.diagnostic(`bodies by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);

    assert.deepEqual(problems, []);
    assert.deepEqual(unhandled, []);
    // The string and raw translators take any body; the others reject some of each broken kind.
    assert.equal(tallies.get('rawTranslator()')?.ok, BODY_COUNT);
    assert.equal(tallies.get('stringTranslator()')?.ok, BODY_COUNT);
    assert.ok(
      (tallies.get('withSchema(jsonTranslator(), Friend)')?.ok ?? 0) >= (kinds.get('validFriend') ?? 0),
    );
    assert.ok(
      (tallies.get('withSchema(snsTranslator(), Friend)')?.ok ?? 0) >= (kinds.get('validSnsFriend') ?? 0),
    );
    assert.ok(
      (tallies
        .get('withSchema(jsonTranslator(), Friend)')
        ?.failed.get('LOAFER_ERR_TRANSLATION_SCHEMA_FAILED') ?? 0) > 0,
    );
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  });
});

/** Runs a route over `bodies` on a memory queue until every message was handled once. */
async function runRoute(
  bodies: readonly FuzzBody[],
  options: { readonly isDeadLettered: boolean },
): Promise<{
  provider: MemoryProvider;
  deadLetters: MemoryProvider;
  handled: Set<string>;
  errors: unknown[];
  logger: MemoryLogger;
}> {
  const deadLetters = new MemoryProvider({ name: 'fuzz-dlq' });
  const provider = new MemoryProvider({ name: 'fuzz', maxReceiveCount: 5, deadLetterQueue: deadLetters });
  for (const body of bodies) provider.send(body.body, { id: `fuzz-${body.index}` });
  const handled = new Set<string>();
  const errors: unknown[] = [];
  const logger = new MemoryLogger();
  const route = new Route({
    name: 'fuzz',
    provider,
    messageTranslator: withSchema(jsonTranslator(), Friend),
    handler: (_friend, context) => {
      handled.add(context.message.id);
      return true;
    },
    errorHandler: (error) => {
      errors.push(error);
      return false;
    },
    concurrency: 50,
    ...(options.isDeadLettered ? { onTranslationFailure: 'dead-letter' as const } : {}),
  });
  const manager = new Manager({ routes: [route], logger });
  let outcomes = 0;
  const done = new Promise<void>((resolve) => {
    manager.on('messageHandled', () => {
      outcomes += 1;
      if (outcomes === bodies.length) resolve();
    });
  });
  // loafer's timers do not keep a process alive, and memory queues hold no socket.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const running = manager.run();
    await done;
    await manager.stop();
    await running;
  } finally {
    clearInterval(keepAlive);
  }
  return { provider, deadLetters, handled, errors, logger };
}

describe('schema routes under fuzzed bodies', () => {
  const bodies = [...generateBodies(SEED + 1, ROUTE_BODY_COUNT)];
  const translator = withSchema(jsonTranslator(), Friend);

  async function translatable(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const body of bodies) {
      let error = translate(translator, inbound(body));
      if (error instanceof Promise) error = await error;
      if (error === undefined) ids.add(`fuzz-${body.index}`);
    }
    return ids;
  }

  it('deletes exactly the messages its handler accepted and keeps the rest, errors all typed', async () => {
    const expected = await translatable();

    const { provider, handled, errors, logger } = await runRoute(bodies, { isDeadLettered: false });

    assert.deepEqual(new Set(provider.deletedIds), expected);
    assert.deepEqual(handled, expected);
    assert.equal(provider.size, bodies.length - expected.size);
    assert.equal(errors.length, bodies.length - expected.size);
    assert.deepEqual(
      errors.filter((error) => problemWith(error) !== undefined).map((error) => problemWith(error)),
      [],
    );
    const aboveDebug = logger.records.filter((record) => record.level !== 'debug');
    assert.ok(!new MemoryLogger({}, aboveDebug).toText().includes(FUZZ_MARKER), 'a log line echoes a body');
    assert.deepEqual(unhandled, []);
  });

  it("moves what cannot be translated to the dead-letter queue when the route says 'dead-letter'", async () => {
    const expected = await translatable();

    const { provider, deadLetters, handled, errors } = await runRoute(bodies, { isDeadLettered: true });

    assert.deepEqual(handled, expected);
    assert.equal(errors.length, 0);
    assert.equal(provider.size, 0);
    assert.equal(deadLetters.size, bodies.length - expected.size);
    for (const message of deadLetters.messages()) {
      assert.ok(TRANSLATION_CODES.has(String(message.attributes.LoaferErrorCode?.value)));
    }
    assert.deepEqual(unhandled, []);
  });
});
