// Searching captured logs for things that must never be there above debug: message bodies and
// credentials. Log records are searched deeply (fields, errors with their causes and own properties),
// as a JSON logger would render them, or more.
import { Writable } from 'node:stream';
import type { Logger } from 'loafer';
import type { LogRecord } from 'loafer/testing';
import { pino } from 'pino';

/** Every string reachable from `value`: object fields, array items, errors' message, stack, cause and own properties. */
export function stringsIn(value: unknown, found: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') {
    found.push(value);
    return found;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return found;
  seen.add(value);
  if (value instanceof Error) {
    found.push(value.name, value.message, value.stack ?? '');
    stringsIn(value.cause, found, seen);
  }
  if (value instanceof Uint8Array) {
    found.push(Buffer.from(value).toString('utf8'));
    return found;
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'string') found.push(key);
    let item: unknown;
    try {
      item = (value as Record<PropertyKey, unknown>)[key];
    } catch {
      continue;
    }
    stringsIn(item, found, seen);
  }
  return found;
}

/** A leak: a record (or line) above debug that contains a forbidden marker. */
export interface Leak {
  readonly marker: string;
  readonly level: string;
  readonly message: string;
  /** Where the marker was found, shortened. */
  readonly excerpt: string;
}

function excerpt(text: string, marker: string): string {
  const at = text.indexOf(marker);
  return text.slice(Math.max(0, at - 80), at + marker.length + 40);
}

/** Markers found in MemoryLogger records above debug. */
export function leaksInRecords(records: readonly LogRecord[], markers: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const record of records) {
    if (record.level === 'debug') continue;
    const text = [record.message, ...stringsIn(record.fields)].join('\n');
    for (const marker of markers) {
      if (text.includes(marker)) {
        leaks.push({ marker, level: record.level, message: record.message, excerpt: excerpt(text, marker) });
      }
    }
  }
  return leaks;
}

/** pino's numeric levels. */
const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Markers found in JSON log lines (pino's format) above debug; lines that are not JSON count as above debug. */
export function leaksInLines(text: string, markers: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    let level = 'unstructured';
    let message = '';
    try {
      const parsed = JSON.parse(line) as { level?: number; msg?: string };
      level = LEVELS[parsed.level ?? 0] ?? String(parsed.level);
      message = parsed.msg ?? '';
    } catch {
      // Not a log line of ours (a crash report, a warning): searched all the same.
    }
    if (level === 'trace' || level === 'debug') continue;
    for (const marker of markers) {
      if (line.includes(marker)) leaks.push({ marker, level, message, excerpt: excerpt(line, marker) });
    }
  }
  return leaks;
}

/** A pino logger at `debug` that writes its JSON lines into memory, with loafer's default serializers. */
export function capturingPino(): { logger: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => text };
}
