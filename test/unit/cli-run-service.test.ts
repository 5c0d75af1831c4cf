import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ConfigurationError, jsonTranslator, Manager, Route } from 'loafer';
import { resolveRunServiceOptions, runService, signalExitCode } from 'loafer/cli';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A manager with one message whose handler waits for `release` before acking. */
function blockedService() {
  const provider = new MemoryProvider({ name: 'cli' });
  const id = provider.send({ n: 1 });
  const started = gate();
  const release = gate();
  const logger = new MemoryLogger();
  const route = new Route({
    name: 'cli',
    provider,
    messageTranslator: jsonTranslator(),
    handler: async () => {
      started.open();
      await release.promise;
      return true;
    },
  });
  const manager = new Manager({ routes: [route], logger });
  return { provider, id, started, release, logger, manager };
}

function idleService() {
  const provider = new MemoryProvider({ name: 'idle' });
  const logger = new MemoryLogger();
  const route = new Route({
    name: 'idle',
    provider,
    messageTranslator: jsonTranslator(),
    handler: () => true,
  });
  return { provider, logger, manager: new Manager({ routes: [route], logger }) };
}

function exitRecorder() {
  const codes: number[] = [];
  return { codes, exit: (code: number) => void codes.push(code) };
}

describe('runService()', () => {
  it('stops the manager gracefully on the first signal and exits 0 once the in-flight message is acked', async () => {
    const { provider, id, started, release, manager } = blockedService();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });
    await started.promise;

    signals.emit('SIGTERM', 'SIGTERM');
    const stateAfterSignal = manager.health().state;
    const codesBeforeRelease = [...codes];
    release.open();
    const code = await done;

    assert.equal(stateAfterSignal, 'stopping');
    assert.deepEqual(codesBeforeRelease, []);
    assert.equal(code, 0);
    assert.deepEqual(codes, [0]);
    assert.equal(provider.isDeleted(id), true);
  });

  it('exits at once with 143 on a second SIGTERM, leaving the in-flight message in the queue', async () => {
    const { provider, id, started, release, manager } = blockedService();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });
    await started.promise;

    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGTERM', 'SIGTERM');
    const code = await done;
    const isDeletedAtExit = provider.isDeleted(id);

    assert.equal(code, 143);
    assert.deepEqual(codes, [143]);
    assert.equal(isDeletedAtExit, false);
    release.open();
    await manager.stop();
  });

  it('exits with 130 when the second signal is SIGINT', async () => {
    const { started, release, manager } = blockedService();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });
    await started.promise;

    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    const code = await done;

    assert.equal(code, 130);
    assert.deepEqual(codes, [130]);
    release.open();
    await manager.stop();
  });

  it('listens to SIGTERM and SIGINT while running and removes its handlers when done', async () => {
    const { manager } = idleService();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });

    const whileRunning = [signals.listenerCount('SIGTERM'), signals.listenerCount('SIGINT')];
    signals.emit('SIGINT', 'SIGINT');
    await done;
    const afterwards = [signals.listenerCount('SIGTERM'), signals.listenerCount('SIGINT')];

    assert.deepEqual(whileRunning, [1, 1]);
    assert.deepEqual(afterwards, [0, 0]);
  });

  it('removes its handlers after a forced exit too', async () => {
    const { started, release, manager } = blockedService();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });
    await started.promise;

    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGTERM', 'SIGTERM');
    await done;

    assert.equal(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT'), 0);
    release.open();
    await manager.stop();
  });

  it('holds a ref’d timer while the manager runs, and lets go of it when done', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    const { manager } = idleService();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const before = timers();

    const done = runService(manager, { signalSource: signals, exit });
    const during = timers();
    signals.emit('SIGTERM', 'SIGTERM');
    await done;
    const after = timers();

    assert.equal(during, before + 1);
    assert.equal(after, before);
  });

  it('listens only to the signals it is given', async () => {
    const { manager } = idleService();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit, signals: ['SIGHUP'] });

    const listening = [signals.listenerCount('SIGHUP'), signals.listenerCount('SIGTERM')];
    signals.emit('SIGHUP', 'SIGHUP');
    const code = await done;

    assert.deepEqual(listening, [1, 0]);
    assert.equal(code, 0);
  });

  it('exits 0 when the program stops the manager itself', async () => {
    const { manager } = idleService();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });

    await manager.stop();
    const code = await done;

    assert.equal(code, 0);
    assert.deepEqual(codes, [0]);
  });

  it('logs the failure and exits 1 when run() fails', async () => {
    const { manager, logger } = idleService();
    const first = manager.run();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();

    const code = await runService(manager, { signalSource: signals, exit });

    assert.equal(code, 1);
    assert.deepEqual(codes, [1]);
    const failure = logger.at('error').find((record) => record.message === 'loafer failed');
    assert.equal(
      (failure?.fields.err as { code?: string } | undefined)?.code,
      'LOAFER_ERR_MANAGER_ALREADY_RUNNING',
    );
    await manager.stop();
    await first;
  });

  it('resolves with the code and never calls exit when shouldExit is false', async () => {
    const { manager } = idleService();
    const signals = new EventEmitter();
    const { codes, exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit, shouldExit: false });

    signals.emit('SIGTERM', 'SIGTERM');
    const code = await done;

    assert.equal(code, 0);
    assert.deepEqual(codes, []);
  });

  it('logs the signal through the manager’s logger by default', async () => {
    const { manager, logger } = idleService();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit });

    signals.emit('SIGTERM', 'SIGTERM');
    await done;

    const record = logger.records.find((item) => item.message === 'signal received: stopping gracefully');
    assert.equal(record?.level, 'info');
    assert.equal(record?.fields.signal, 'SIGTERM');
  });

  it('logs through the logger option when one is given', async () => {
    const { manager, logger: managerLogger } = idleService();
    const own = new MemoryLogger();
    const signals = new EventEmitter();
    const { exit } = exitRecorder();
    const done = runService(manager, { signalSource: signals, exit, logger: own });

    signals.emit('SIGTERM', 'SIGTERM');
    await done;

    const isSignal = (item: { message: string }) => item.message === 'signal received: stopping gracefully';
    assert.equal(own.records.some(isSignal), true);
    assert.equal(managerLogger.records.some(isSignal), false);
  });
});

describe('signalExitCode()', () => {
  it('is 128 plus the signal number', () => {
    assert.deepEqual([signalExitCode('SIGINT'), signalExitCode('SIGTERM')], [130, 143]);
  });
});

describe('resolveRunServiceOptions()', () => {
  it('defaults to SIGTERM and SIGINT, exiting, on process, with the manager’s logger', () => {
    const resolved = resolveRunServiceOptions();

    assert.deepEqual(resolved.signals, ['SIGTERM', 'SIGINT']);
    assert.equal(resolved.shouldExit, true);
    assert.equal(resolved.signalSource, process);
    assert.equal(resolved.logger, undefined);
    assert.equal(typeof resolved.exit, 'function');
  });

  it('keeps each signal once', () => {
    const resolved = resolveRunServiceOptions({ signals: ['SIGINT', 'SIGINT'] });

    assert.deepEqual(resolved.signals, ['SIGINT']);
  });

  for (const [name, options, pattern] of [
    ['an empty signal list', { signals: [] }, /`signals`.*got `\[\]`/],
    ['an unknown signal', { signals: ['SIGFOO'] }, /`signals`.*SIGFOO/],
    ['a non-boolean shouldExit', { shouldExit: 'yes' }, /`shouldExit` to be a boolean, got `"yes"`/],
    ['a non-function exit', { exit: 1 }, /`exit` to be a function, got `1`/],
    ['a logger without methods', { logger: {} }, /`logger`/],
    ['a signal source without off()', { signalSource: { on() {} } }, /`signalSource`/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => resolveRunServiceOptions(options as never),
        (error: unknown) => error instanceof ConfigurationError && pattern.test(error.message),
      );
    });
  }
});
