import { constants } from 'node:os';
import type { Logger } from '../core/logger.js';
import type { Manager } from '../core/manager.js';
import { checkBoolean, checkFunction, checkObject, checkThat } from '../core/validate.js';

/**
 * Where {@link runService} listens for signals: `process`, or any emitter with the same `on` / `off`
 * shape (tests pass an `EventEmitter`).
 */
export interface SignalSource {
  /** Adds `listener` for `signal`. */
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  /** Removes `listener` for `signal`. */
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Options of {@link runService}. */
export interface RunServiceOptions {
  /**
   * The signals that stop the service: the first one stops it gracefully, a second one (of any of
   * them) exits at once.
   *
   * @defaultValue `['SIGTERM', 'SIGINT']`
   */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Whether to end the process with the exit code once the service stopped (or on a second signal).
   * With `false`, {@link runService} only resolves with the code.
   *
   * @defaultValue true
   */
  readonly shouldExit?: boolean;
  /**
   * How the process is ended when `shouldExit` is true; tests pass a function that records the code.
   *
   * @defaultValue `process.exit`
   */
  readonly exit?: (code: number) => void;
  /**
   * Where the few lines of the runner itself go (signal received, forced exit, failure).
   *
   * @defaultValue the manager's logger
   */
  readonly logger?: Logger;
  /**
   * Where signals come from.
   *
   * @defaultValue `process`
   */
  readonly signalSource?: SignalSource;
}

/** The options of {@link runService} after defaults and validation. */
export interface ResolvedRunServiceOptions {
  readonly signals: readonly NodeJS.Signals[];
  readonly shouldExit: boolean;
  readonly exit: (code: number) => void;
  /** Undefined means: the manager's logger. */
  readonly logger: Logger | undefined;
  readonly signalSource: SignalSource;
}

/** The exit code of a service that stopped cleanly. */
export const EXIT_OK = 0;
/** The exit code of a service whose manager failed. */
export const EXIT_FAILURE = 1;

/**
 * The exit code of a process ended by `signal`, as shells report it: 128 + the signal's number
 * (130 for SIGINT, 143 for SIGTERM).
 */
export function signalExitCode(signal: NodeJS.Signals): number {
  const number = constants.signals[signal];
  return 128 + (typeof number === 'number' ? number : 0);
}

function isKnownSignal(value: unknown): value is NodeJS.Signals {
  return typeof value === 'string' && Object.hasOwn(constants.signals, value);
}

/**
 * Applies defaults to {@link RunServiceOptions} and validates them.
 *
 * @throws {ConfigurationError} naming the first invalid option and its value.
 */
export function resolveRunServiceOptions(options: RunServiceOptions = {}): ResolvedRunServiceOptions {
  checkObject('options', options);
  const signals = options.signals ?? (['SIGTERM', 'SIGINT'] as const);
  checkThat(
    Array.isArray(signals) && signals.length > 0 && signals.every(isKnownSignal),
    'signals',
    'a non-empty array of signal names such as `SIGTERM`',
    options.signals,
  );
  const logger = options.logger;
  checkThat(
    logger === undefined ||
      (typeof logger === 'object' &&
        logger !== null &&
        typeof logger.info === 'function' &&
        typeof logger.warn === 'function' &&
        typeof logger.error === 'function'),
    'logger',
    'a logger with pino’s methods (debug, info, warn, error, child)',
    logger,
  );
  const signalSource = options.signalSource ?? process;
  checkThat(
    typeof signalSource === 'object' &&
      signalSource !== null &&
      typeof signalSource.on === 'function' &&
      typeof signalSource.off === 'function',
    'signalSource',
    'an emitter with on() and off()',
    options.signalSource,
  );
  return {
    signals: [...new Set(signals)],
    shouldExit: checkBoolean('shouldExit', options.shouldExit, true),
    exit: checkFunction('exit', options.exit, (code: number) => process.exit(code)),
    logger,
    signalSource,
  };
}

/**
 * Runs a manager as a process's main job: installs handlers for SIGTERM and SIGINT (the first signal
 * stops the manager gracefully, a second one exits at once with 128 + the signal's number), keeps the
 * process alive while the manager runs, waits for `manager.run()` to end, removes its handlers, and
 * exits with 0 — or with 1 when the manager failed. The only place in loafer that touches `process`.
 *
 * @param manager - the manager to run; it must not have run yet.
 * @param options - see {@link RunServiceOptions}.
 * @returns the exit code (the process ends with it first unless `shouldExit` is false).
 * @throws {ConfigurationError} when an option is invalid.
 *
 * @example
 * ```ts
 * import { Manager } from 'loafer';
 * import { runService } from 'loafer/cli';
 *
 * await runService(new Manager({ routes }));
 * ```
 */
export function runService(manager: Manager, options: RunServiceOptions = {}): Promise<number> {
  const resolved = resolveRunServiceOptions(options);
  checkThat(
    typeof manager === 'object' &&
      manager !== null &&
      typeof (manager as Partial<Manager>).run === 'function' &&
      typeof (manager as Partial<Manager>).stop === 'function',
    'manager',
    'a Manager',
    manager,
  );
  const logger = resolved.logger ?? manager.options.logger;
  const { signals, signalSource } = resolved;

  return new Promise<number>((resolve) => {
    let isDone = false;
    let receivedSignal: NodeJS.Signals | undefined;
    // loafer's own timers are unref'd and an in-memory provider holds no socket: without this the
    // process could end (with Node's "unsettled top-level await" code 13) while the service runs.
    const keepAlive = setInterval(() => {}, 2 ** 31 - 1);

    const finish = (code: number): void => {
      if (isDone) return;
      isDone = true;
      clearInterval(keepAlive);
      for (const signal of signals) signalSource.off(signal, onSignal);
      if (resolved.shouldExit) resolved.exit(code);
      resolve(code);
    };

    function onSignal(signal: NodeJS.Signals): void {
      if (receivedSignal === undefined) {
        receivedSignal = signal;
        logger.info({ signal }, 'signal received: stopping gracefully');
        // A failed stop also rejects run(), which reports it below.
        manager.stop().catch(() => {});
        return;
      }
      const code = signalExitCode(signal);
      logger.warn({ signal, exitCode: code }, 'second signal: exiting now');
      finish(code);
    }

    for (const signal of signals) signalSource.on(signal, onSignal);

    let running: Promise<void>;
    try {
      running = manager.run();
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      () => finish(EXIT_OK),
      (error: unknown) => {
        logger.error({ err: error }, 'loafer failed');
        finish(EXIT_FAILURE);
      },
    );
  });
}
