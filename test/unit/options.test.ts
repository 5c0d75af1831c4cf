import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManagerOptions, RouteOptions } from 'loafer';
import {
  exponentialRetry,
  jsonTranslator,
  linearRetry,
  Manager,
  Route,
  resolveManagerOptions,
  resolveRouteOptions,
  retryAfter,
  silentLogger,
} from 'loafer';
import { MemoryProvider } from 'loafer/testing';

const provider = new MemoryProvider();
const base: RouteOptions<unknown> = {
  name: 'r',
  provider,
  messageTranslator: jsonTranslator(),
  handler: () => true,
};

function routeWith(overrides: Record<string, unknown>): RouteOptions<unknown> {
  return { ...base, ...overrides } as RouteOptions<unknown>;
}

describe('resolveRouteOptions()', () => {
  it('applies the defaults', () => {
    const options = resolveRouteOptions(base);

    assert.equal(options.concurrency, 10);
    assert.equal(options.maxConcurrentFetches, 1);
    assert.equal(options.handlerTimeoutMs, undefined);
    assert.equal(options.handlerTimeoutGraceMs, 5000);
    assert.equal(options.shouldExtendVisibility, true);
    assert.equal(options.maxVisibilitySeconds, 43_200);
    assert.equal(options.onTranslationFailure, 'error-handler');
    assert.equal(options.retry, undefined);
    assert.equal(options.errorHandler(new Error('x'), {} as never), false);
  });

  it('derives the concurrent fetches from the concurrency and the batch size', () => {
    assert.equal(resolveRouteOptions(routeWith({ concurrency: 95 })).maxConcurrentFetches, 10);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['name', { name: '' }, 'Expected `name` to be a non-empty string, got `""` (string)'],
    ['concurrency', { concurrency: 0 }, 'Expected `concurrency` to be an integer >= 1, got `0` (number)'],
    ['concurrency', { concurrency: 2.5 }, 'Expected `concurrency` to be an integer >= 1, got `2.5` (number)'],
    ['provider', { provider: {} }, 'Expected `provider` to be a provider'],
    [
      'messageTranslator',
      { messageTranslator: () => ({}) },
      'Expected `messageTranslator` to be a message translator',
    ],
    [
      'handler',
      { handler: 'yes' },
      'Expected `handler` to be a function or an object with handle(), got `"yes"`',
    ],
    [
      'errorHandler',
      { errorHandler: true },
      'Expected `errorHandler` to be a function, got `true` (boolean)',
    ],
    [
      'handlerTimeoutMs',
      { handlerTimeoutMs: -1 },
      'Expected `handlerTimeoutMs` to be an integer >= 1, got `-1`',
    ],
    ['visibilityTimeoutSeconds', { visibilityTimeoutSeconds: 50_000 }, 'between 1 and 43200, got `50000`'],
    [
      'maxVisibilitySeconds',
      { maxVisibilitySeconds: 0 },
      'Expected `maxVisibilitySeconds` to be an integer between',
    ],
    [
      'onTranslationFailure',
      { onTranslationFailure: 'drop' },
      'one of `error-handler`, `dead-letter`, got `"drop"`',
    ],
    ['retry', { retry: 5 }, 'Expected `retry` to be a retry policy'],
    ['isFifo', { isFifo: 'yes' }, 'Expected `isFifo` to be a boolean, got `"yes"` (string)'],
  ];
  for (const [option, overrides, message] of invalid) {
    it(`rejects an invalid ${option}, naming it and the value`, () => {
      assert.throws(
        () => new Route(routeWith(overrides)),
        (error: Error & { code?: string; option?: string }) => {
          assert.equal(error.code, 'LOAFER_ERR_CONFIG_INVALID_OPTION');
          assert.equal(error.option, option);
          assert.ok(error.message.includes(message), `"${error.message}" should include "${message}"`);
          return true;
        },
      );
    });
  }
});

describe('resolveManagerOptions()', () => {
  const route = new Route(base);

  it('applies the defaults', () => {
    const options = resolveManagerOptions({ routes: [route], logger: silentLogger });

    assert.equal(options.concurrency, Number.POSITIVE_INFINITY);
    assert.equal(options.shutdownTimeoutMs, 30_000);
    assert.equal(options.shutdownAbortGraceMs, 2000);
  });

  const invalid: Array<[string, Partial<Record<keyof ManagerOptions, unknown>>, string]> = [
    ['routes', { routes: [] }, 'Expected `routes` to be a non-empty array of routes, got `[]` (array)'],
    ['routes', { routes: [{}] }, 'Expected `routes` to be an array of Route instances'],
    ['concurrency', { concurrency: 0 }, 'Expected `concurrency` to be an integer >= 1, got `0` (number)'],
    ['shutdownTimeoutMs', { shutdownTimeoutMs: -5 }, 'Expected `shutdownTimeoutMs` to be an integer >= 0'],
    ['logger', { logger: { info: 1 } }, 'Expected `logger` to be a logger'],
  ];
  for (const [option, overrides, message] of invalid) {
    it(`rejects an invalid ${option}`, () => {
      assert.throws(
        () => new Manager({ routes: [route], logger: silentLogger, ...overrides } as ManagerOptions),
        (error: Error & { option?: string }) => {
          assert.equal(error.option, option);
          assert.ok(error.message.includes(message), `"${error.message}" should include "${message}"`);
          return true;
        },
      );
    });
  }

  it('rejects two routes with one name', () => {
    assert.throws(() => new Manager({ routes: [route, new Route(base)], logger: silentLogger }), {
      message: 'Expected route names to be unique, got `r` twice',
    });
  });
});

describe('retry helpers', () => {
  it('reject out-of-range values at construction', () => {
    assert.throws(() => retryAfter(-1), {
      message: 'Expected `delaySeconds` to be a number between 0 and 43200, got `-1` (number)',
    });
    assert.throws(() => exponentialRetry({ baseSeconds: Number.NaN }), { option: 'baseSeconds' });
    assert.throws(() => linearRetry({ maxSeconds: 99_999 }), { option: 'maxSeconds' });
  });

  it('rounds retryAfter delays up to whole seconds', () => {
    assert.equal(retryAfter(1.2).delaySeconds, 2);
  });
});
