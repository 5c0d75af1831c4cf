// Options that were once accepted although invalid (found by the reliability suite's option fuzzing):
// each must throw a ConfigurationError naming the option, as the rest do (test/unit/fuzz-options.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigurationError,
  exponentialRetry,
  jsonTranslator,
  Manager,
  Route,
  stringTranslator,
} from 'loafer';
import { runService } from 'loafer/cli';
import { MemoryProvider } from 'loafer/testing';

function route(): Route {
  return new Route({
    name: 'r',
    provider: new MemoryProvider(),
    messageTranslator: jsonTranslator(),
    handler: () => true,
  });
}

function assertRejected(call: () => unknown, option: string): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    assert.equal(error.option, option);
    return true;
  });
}

describe('options that were accepted although invalid', () => {
  it('Manager: `clock` that is not a clock (fails later, inside run())', () => {
    assertRejected(() => new Manager({ routes: [route()], clock: 'now' as never }), 'clock');
  });

  it('MemoryProvider: `clock` that is not a clock', () => {
    assertRejected(() => new MemoryProvider({ clock: {} as never }), 'clock');
  });

  it("stringTranslator: `isEmptyRejected: 'no'` (a truthy string: empty bodies are rejected)", () => {
    assertRejected(() => stringTranslator({ isEmptyRejected: 'no' as never }), 'isEmptyRejected');
  });

  it("exponentialRetry: `isJittered: 'no'` (a truthy string: jitter stays on)", () => {
    assertRejected(() => exponentialRetry({ isJittered: 'no' as never }), 'isJittered');
  });

  it('runService: a `manager` that is not a Manager throws a TypeError, not a ConfigurationError', () => {
    assertRejected(() => runService(undefined as never, { shouldExit: false }), 'manager');
  });
});
