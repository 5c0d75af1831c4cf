import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorHandler, HandlerResult } from 'loafer';
import {
  DeleteMessage,
  isTranslationError,
  jsonTranslator,
  Manager,
  Route,
  retryAfter,
  silentLogger,
} from 'loafer';
import { ManualClock, MemoryProvider } from 'loafer/testing';

interface Case {
  readonly name: string;
  readonly body?: string;
  readonly handler: (content: unknown) => HandlerResult | Promise<HandlerResult>;
  readonly errorHandler?: ErrorHandler;
  readonly isDeleted: boolean;
  readonly isErrorHandlerCalled: boolean;
}

const boom = (): never => {
  throw new Error('boom');
};

// The whole ack contract: only truthy, DeleteMessage, or a truthy error handler deletes.
const cases: Case[] = [
  { name: 'true deletes', handler: () => true, isDeleted: true, isErrorHandlerCalled: false },
  { name: 'async true deletes', handler: async () => true, isDeleted: true, isErrorHandlerCalled: false },
  {
    name: 'a truthy non-boolean (from untyped JS) deletes',
    handler: () => 1 as unknown as boolean,
    isDeleted: true,
    isErrorHandlerCalled: false,
  },
  { name: 'false keeps', handler: () => false, isDeleted: false, isErrorHandlerCalled: false },
  { name: 'async false keeps', handler: async () => false, isDeleted: false, isErrorHandlerCalled: false },
  {
    name: 'undefined (from untyped JS) keeps',
    handler: () => undefined as unknown as boolean,
    isDeleted: false,
    isErrorHandlerCalled: false,
  },
  {
    name: 'null (from untyped JS) keeps',
    handler: () => null as unknown as boolean,
    isDeleted: false,
    isErrorHandlerCalled: false,
  },
  { name: 'a throw keeps', handler: boom, isDeleted: false, isErrorHandlerCalled: true },
  {
    name: 'a rejection keeps',
    handler: async () => Promise.reject(new Error('nope')),
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
  {
    name: 'DeleteMessage deletes without calling the error handler',
    handler: () => {
      throw new DeleteMessage('poison');
    },
    isDeleted: true,
    isErrorHandlerCalled: false,
  },
  {
    name: 'an async DeleteMessage deletes',
    handler: async () => Promise.reject(new DeleteMessage()),
    isDeleted: true,
    isErrorHandlerCalled: false,
  },
  {
    name: 'an error handler returning true deletes',
    handler: boom,
    errorHandler: () => true,
    isDeleted: true,
    isErrorHandlerCalled: true,
  },
  {
    name: 'an async error handler returning true deletes',
    handler: boom,
    errorHandler: async () => true,
    isDeleted: true,
    isErrorHandlerCalled: true,
  },
  {
    name: 'an error handler returning false keeps',
    handler: boom,
    errorHandler: () => false,
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
  {
    name: 'an error handler that throws keeps',
    handler: boom,
    errorHandler: () => {
      throw new Error('error handler broke');
    },
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
  {
    name: 'an error handler that rejects keeps',
    handler: boom,
    errorHandler: async () => Promise.reject(new Error('error handler broke')),
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
  {
    name: 'a translation failure keeps and reaches the error handler',
    body: 'not json {',
    handler: () => true,
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
  {
    name: 'a translation failure whose error handler returns true deletes',
    body: '',
    handler: () => true,
    errorHandler: () => true,
    isDeleted: true,
    isErrorHandlerCalled: true,
  },
  {
    name: 'retryAfter keeps the message',
    handler: () => retryAfter(30),
    isDeleted: false,
    isErrorHandlerCalled: false,
  },
  {
    name: 'retryAfter from the error handler keeps the message',
    handler: boom,
    errorHandler: () => retryAfter(5),
    isDeleted: false,
    isErrorHandlerCalled: true,
  },
];

async function runCase(testCase: Case) {
  const clock = new ManualClock();
  const provider = new MemoryProvider({ clock });
  const id = provider.send(testCase.body ?? '{"id":"test-1"}');
  const errors: unknown[] = [];
  const route = new Route({
    name: 'contract',
    provider,
    messageTranslator: jsonTranslator(),
    handler: testCase.handler,
    errorHandler: (error, context) => {
      errors.push(error);
      return testCase.errorHandler === undefined ? false : testCase.errorHandler(error, context);
    },
  });
  const manager = new Manager({ routes: [route], logger: silentLogger, clock });
  await manager.runOnce();
  return { provider, id, errors };
}

describe('the ack contract', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const { provider, id, errors } = await runCase(testCase);

      assert.equal(provider.isDeleted(id), testCase.isDeleted);
      assert.equal(provider.stats.confirms, testCase.isDeleted ? 1 : 0);
      assert.equal(errors.length, testCase.isErrorHandlerCalled ? 1 : 0);
    });
  }

  it('gives the error handler a typed TranslationError that says what was wrong', async () => {
    const { errors } = await runCase({
      name: 'not json',
      body: '<xml/>',
      handler: () => true,
      isDeleted: false,
      isErrorHandlerCalled: true,
    });

    const [error] = errors;
    assert.ok(isTranslationError(error));
    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
    assert.match(error.message, /not valid JSON/);
  });

  it('sets the visibility of a retryAfter message to the asked delay', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 300 });
    const id = provider.send('{}');
    const route = new Route({
      name: 'retry',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => retryAfter(7),
    });

    await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

    assert.equal(provider.peek(id)?.visibleAt, clock.now() + 7000);
  });

  it('keeps a failed message hidden for the whole visibility timeout when no retry policy is set', async () => {
    const clock = new ManualClock();
    const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 300 });
    const id = provider.send('{}');
    const route = new Route({
      name: 'keep',
      provider,
      messageTranslator: jsonTranslator(),
      handler: () => false,
    });

    await new Manager({ routes: [route], logger: silentLogger, clock }).runOnce();

    assert.equal(provider.peek(id)?.visibleAt, clock.now() + 300_000);
    assert.equal(provider.stats.releases, 0);
  });
});
