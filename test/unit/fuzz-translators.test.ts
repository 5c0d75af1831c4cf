// Fuzzed bodies through every translator and through schema routes on the in-memory provider: no
// crash, no unhandled rejection, every failure a TranslationError with a readable reason that does not
// echo the body, and nothing deleted unless it was handled or the route says to dead-letter it.
// Bodies come from test/reliability/fuzz-bodies.ts (deterministic seed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonTranslator, Manager, Route, withSchema } from 'loafer';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import type { FuzzBody } from '../reliability/fuzz-bodies.js';
import { FUZZ_MARKER, generateBodies } from '../reliability/fuzz-bodies.js';
import {
  Friend,
  inbound,
  problemWith,
  runFuzz,
  TRANSLATION_CODES,
  translate,
} from '../reliability/fuzz-run.js';

const SEED = 0x10afe4;
const BODY_COUNT = 100_000;
const ROUTE_BODY_COUNT = 5000;

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
    const result = await runFuzz(SEED, BODY_COUNT);
    await new Promise((resolve) => setImmediate(resolve));

    for (const [name, tally] of Object.entries(result.byTranslator)) {
      t.diagnostic(`${name}: ${tally.ok} ok, failed ${JSON.stringify(tally.failed)}`);
    }
    t.diagnostic(`bodies by kind: ${JSON.stringify(result.byKind)}`);
    assert.deepEqual(result.problems, []);
    assert.equal(result.problemCount, 0);
    assert.deepEqual(unhandled, []);
    const tally = result.byTranslator;
    // The string and raw translators take any body; the schema routes take at least the valid ones.
    assert.equal(tally['rawTranslator()']?.ok, BODY_COUNT);
    assert.equal(tally['stringTranslator()']?.ok, BODY_COUNT);
    assert.ok((tally['withSchema(jsonTranslator(), Friend)']?.ok ?? 0) >= result.byKind.validFriend);
    assert.ok((tally['withSchema(snsTranslator(), Friend)']?.ok ?? 0) >= result.byKind.validSnsFriend);
    assert.ok(
      (tally['withSchema(jsonTranslator(), Friend)']?.failed.LOAFER_ERR_TRANSLATION_SCHEMA_FAILED ?? 0) > 0,
    );
    assert.ok((tally['snsTranslator()']?.failed.LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE ?? 0) > 0);
    // No body's `__proto__` key reached a shared prototype.
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
