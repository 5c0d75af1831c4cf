// docs/testing.md: test a service's routes without AWS — the in-memory provider stands in for SQS.
// Run: node --conditions=source --import tsx examples/snippets/testing-your-service.ts
import assert from 'node:assert/strict';
import type { MessageTranslator } from 'loafer';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { ManualClock, MemoryProvider } from 'loafer/testing';

// The service's code: a handler that greets, and a routes factory that takes its provider.
const greetings: string[] = [];
export function createRoutes(provider: MemoryProvider, translator: MessageTranslator<{ name: string }>) {
  return [
    new Route({
      name: 'greetings',
      provider,
      messageTranslator: translator,
      handler: ({ name }) => {
        if (name === '') return false;
        greetings.push(`hello, ${name}`);
        return true;
      },
    }),
  ];
}

export async function main(): Promise<string[]> {
  const clock = new ManualClock();
  const provider = new MemoryProvider({ clock, visibilityTimeoutSeconds: 30 });
  const ok = provider.send({ name: 'georgeyk' });
  const empty = provider.send({ name: '' });

  await new Manager({
    routes: createRoutes(provider, jsonTranslator<{ name: string }>()),
    logger: silentLogger,
    clock,
  }).runOnce();

  assert.equal(provider.isDeleted(ok), true);
  assert.equal(provider.isDeleted(empty), false);
  assert.equal(provider.peek(empty)?.receiveCount, 1);
  return [
    ...greetings,
    `kept ${empty}: visible again at +${((provider.peek(empty)?.visibleAt ?? 0) - clock.now()) / 1000} s`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await main()).join('\n'));
