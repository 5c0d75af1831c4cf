import { ConfigurationError } from './errors.js';

/** Renders a value for an error message: ``` `0` (number) ```. */
export function describeValue(value: unknown): string {
  if (value === null) return '`null`';
  if (value === undefined) return '`undefined`';
  if (typeof value === 'function') return `\`${value.name || 'anonymous'}\` (function)`;
  if (typeof value === 'object') {
    let text: string;
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
    if (text.length > 60) text = `${text.slice(0, 57)}...`;
    return `\`${text}\` (${Array.isArray(value) ? 'array' : 'object'})`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` (${typeof value})`;
}

function fail(option: string, expected: string, value: unknown): never {
  throw new ConfigurationError(
    option,
    `Expected \`${option}\` to be ${expected}, got ${describeValue(value)}`,
  );
}

/** Bounds for {@link checkInteger} and {@link checkNumber}. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

function boundsText({ min, max }: NumberBounds): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

/**
 * Returns `value` when it is an integer within `bounds`, or `fallback` when `value` is undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkInteger(
  option: string,
  value: unknown,
  fallback: number,
  bounds: NumberBounds = {},
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    (bounds.min !== undefined && value < bounds.min) ||
    (bounds.max !== undefined && value > bounds.max)
  ) {
    fail(option, `an integer${boundsText(bounds)}`, value);
  }
  return value;
}

/**
 * Returns `value` when it is a finite number within `bounds`, or `fallback` when undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkNumber(
  option: string,
  value: unknown,
  fallback: number,
  bounds: NumberBounds = {},
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (bounds.min !== undefined && value < bounds.min) ||
    (bounds.max !== undefined && value > bounds.max)
  ) {
    fail(option, `a number${boundsText(bounds)}`, value);
  }
  return value;
}

/**
 * Returns `value` when it is a non-empty string, or `fallback` when undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkString<F extends string | undefined>(
  option: string,
  value: unknown,
  fallback: F,
): string | F {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) fail(option, 'a non-empty string', value);
  return value;
}

/**
 * Returns `value` when it is a boolean, or `fallback` when undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(option, 'a boolean', value);
  return value;
}

/**
 * Returns `value` when it is a function, or `fallback` when undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkFunction<T>(option: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') fail(option, 'a function', value);
  return value as T;
}

/**
 * Returns `value` when it is one of `choices`, or `fallback` when undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkChoice<T extends string>(
  option: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    fail(option, `one of ${choices.map((choice) => `\`${choice}\``).join(', ')}`, value);
  }
  return value as T;
}

/**
 * Asserts that `value` is a non-null object (the options bag itself).
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkObject(option: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null) fail(option, 'an object', value);
}

/**
 * Asserts a condition about an option that the other helpers cannot express.
 *
 * @throws {ConfigurationError} with `expected` and the bad value.
 */
export function checkThat(condition: boolean, option: string, expected: string, value: unknown): void {
  if (!condition) fail(option, expected, value);
}

/**
 * Returns `value` when it has a clock's methods (`now`, `setTimer`, `sleep`), or `fallback` when
 * undefined.
 *
 * @throws {ConfigurationError} naming `option` and the bad value.
 */
export function checkClock<T>(option: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  const clock = value as { now?: unknown; setTimer?: unknown; sleep?: unknown } | null;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimer !== 'function' ||
    typeof clock.sleep !== 'function'
  ) {
    fail(option, 'a clock (an object with now(), setTimer() and sleep())', value);
  }
  return value as T;
}
