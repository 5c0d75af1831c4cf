import { createRequire } from 'node:module';
import type { pino as PinoFactory } from 'pino';

/** The method a {@link Logger} offers for one level: pino's shape, data first, then short text. */
export interface LogMethod {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * A structured logger: pino, or anything with pino's method shape. Data goes in fields
 * (`{ route, messageId }`), text stays short and lowercase.
 */
export interface Logger {
  /** Detail for debugging; the only level at which message bodies may appear. */
  readonly debug: LogMethod;
  /** Lifecycle: started, stopped, recovered. */
  readonly info: LogMethod;
  /** Something went wrong and was handled. */
  readonly warn: LogMethod;
  /** Something went wrong that someone should look at. */
  readonly error: LogMethod;
  /** A logger that adds `bindings` to every record. */
  child(bindings: Record<string, unknown>): Logger;
}

/** Creates the logger loafer uses when none is given: pino at `info`, JSON lines on stdout. */
export function createDefaultLogger(): Logger {
  // Loaded on first use: a service that passes its own logger never pays for pino's modules.
  const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof PinoFactory };
  return pino({ name: 'loafer' });
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
