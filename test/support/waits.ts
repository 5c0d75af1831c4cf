// Waits for integration tests: on events, or on a server's state polled until a deadline. The
// deadline only turns a broken test into a failure instead of a hang; no assertion is about time.
import assert from 'node:assert/strict';
import type { LoaferEventMap, Manager } from 'loafer';
import type { LocalAws, TestQueue } from './fauxqs.js';

/** How long an integration wait may take before the test fails. */
export const DEADLINE_MS = 20_000;

/** Resolves with the first payload of `event` that matches `matches`. */
export function nextEvent<E extends keyof LoaferEventMap>(
  target: Manager,
  event: E,
  matches: (payload: LoaferEventMap[E]) => boolean = () => true,
): Promise<LoaferEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event before the deadline`)), DEADLINE_MS);
    const off = target.on(event, (payload) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Polls `predicate` every 20 ms until it holds; fails at the deadline. */
export async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, `gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Messages in a fauxqs queue: ready, delayed and in flight. */
export function queueSize(aws: LocalAws, queue: TestQueue): number {
  const messages = aws.server.inspectQueue(queue.name)?.messages;
  if (messages === undefined) return -1;
  return messages.ready.length + messages.delayed.length + messages.inflight.length;
}
