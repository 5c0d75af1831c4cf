// The handler profiles: what every contender's handler does with one message's content. Bodies are
// JSON; contenders that do not decode them (everyone but loafer and squiss) call JSON.parse first, so
// that every contender does the same work per message.
import { setTimeout as sleep } from 'node:timers/promises';
import type { HandlerProfile } from './config.js';

/** The user's work for one message: resolves when done. */
export type BenchWork = (content: unknown) => Promise<void>;

/** The work of `profile`: `noop` returns at once, `io20` awaits a 20 ms timer (an I/O-bound handler). */
export function benchWork(profile: HandlerProfile): BenchWork {
  switch (profile) {
    case 'noop':
      return async () => {};
    case 'io20':
      return async () => {
        await sleep(20);
      };
  }
}

/** One message body of the benchmark: small JSON (about 120 bytes). */
export function messageBody(index: number): string {
  return JSON.stringify({ id: index, kind: 'bench.message', payload: 'x'.repeat(64), sentAt: Date.now() });
}
