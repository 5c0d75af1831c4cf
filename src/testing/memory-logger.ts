import type { Logger } from '../core/logger.js';

/** One record captured by a {@link MemoryLogger}. */
export interface LogRecord {
  /** The level it was logged at. */
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** The short text. */
  readonly message: string;
  /** The fields, bindings of parent loggers included. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A logger that keeps its records in memory, for tests that check what was logged (and what was
 * not: bodies, credentials).
 */
export class MemoryLogger implements Logger {
  readonly #records: LogRecord[];
  readonly #bindings: Readonly<Record<string, unknown>>;

  /** @param bindings - fields added to every record (used by `child()`). */
  constructor(bindings: Readonly<Record<string, unknown>> = {}, records: LogRecord[] = []) {
    this.#bindings = bindings;
    this.#records = records;
  }

  /** Every record, of this logger and its children, in order. */
  get records(): readonly LogRecord[] {
    return this.#records;
  }

  /** Records at `level`. */
  at(level: LogRecord['level']): LogRecord[] {
    return this.#records.filter((record) => record.level === level);
  }

  /** Every record rendered as one JSON line each, as a log file would hold them. */
  toText(): string {
    return this.#records
      .map((record) => {
        const fields: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(record.fields)) {
          fields[key] =
            value instanceof Error
              ? { message: value.message, stack: value.stack, cause: String(value.cause ?? '') }
              : value;
        }
        try {
          return JSON.stringify({ level: record.level, msg: record.message, ...fields });
        } catch {
          return `${record.level} ${record.message}`;
        }
      })
      .join('\n');
  }

  readonly debug = (fieldsOrMessage: object | string, message?: string): void =>
    this.#log('debug', fieldsOrMessage, message);
  readonly info = (fieldsOrMessage: object | string, message?: string): void =>
    this.#log('info', fieldsOrMessage, message);
  readonly warn = (fieldsOrMessage: object | string, message?: string): void =>
    this.#log('warn', fieldsOrMessage, message);
  readonly error = (fieldsOrMessage: object | string, message?: string): void =>
    this.#log('error', fieldsOrMessage, message);

  /** A logger that adds `bindings` to every record and shares this one's records. */
  child(bindings: Record<string, unknown>): MemoryLogger {
    return new MemoryLogger({ ...this.#bindings, ...bindings }, this.#records);
  }

  #log(level: LogRecord['level'], fieldsOrMessage: object | string, message?: string): void {
    if (typeof fieldsOrMessage === 'string') {
      this.#records.push({ level, message: fieldsOrMessage, fields: { ...this.#bindings } });
      return;
    }
    this.#records.push({ level, message: message ?? '', fields: { ...this.#bindings, ...fieldsOrMessage } });
  }
}
