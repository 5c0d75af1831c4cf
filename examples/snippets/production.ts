// docs/production.md: timeouts, retries, the heartbeat, dead letters, FIFO groups and health, on the
// in-memory provider with a manual clock (so that minutes pass in microseconds).
// Run: node --conditions=source --import tsx examples/snippets/production.ts
import type { HandlerContext } from 'loafer';
import {
  exponentialRetry,
  jsonTranslator,
  Manager,
  Route,
  retryAfter,
  silentLogger,
  withSchema,
} from 'loafer';
import { ManualClock, MemoryProvider } from 'loafer/testing';
import { z } from 'zod';

const Payment = z.object({ id: z.string(), amount: z.number().positive() });

async function callBank(signal: AbortSignal, id: string): Promise<'ok' | 'busy'> {
  // Stands in for real I/O that honours the signal (fetch(url, { signal }) does).
  if (signal.aborted) throw signal.reason;
  return id === 'p-busy' ? 'busy' : 'ok';
}

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  const clock = new ManualClock();
  const deadLetters = new MemoryProvider({ clock, name: 'payments-dlq' });
  const provider = new MemoryProvider({
    clock,
    name: 'payments',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
    deadLetterQueue: deadLetters,
  });
  provider.send({ id: 'p-1', amount: 5 });
  provider.send({ id: 'p-busy', amount: 5 });
  provider.send({ id: 'p-bad', amount: -3 });

  const route = new Route({
    name: 'payments',
    provider,
    messageTranslator: withSchema(jsonTranslator(), Payment),
    concurrency: 100,
    handlerTimeoutMs: 10_000, // aborts context.signal with a HandlerTimeoutError
    retry: exponentialRetry({ baseSeconds: 2, maxSeconds: 300 }), // failed messages come back sooner
    onTranslationFailure: 'dead-letter', // schema failures go straight to the DLQ, reason attached
    handler: async (payment, context: HandlerContext) => {
      const answer = await callBank(context.signal, payment.id);
      if (answer === 'busy') return context.isLastAttempt ? false : retryAfter(60);
      return true;
    },
  });

  const manager = new Manager({ routes: [route], logger: silentLogger, clock });
  await manager.runOnce();
  for (const message of provider.messages()) {
    lines.push(`${message.id} kept, visible again in ${(message.visibleAt - clock.now()) / 1000} s`);
  }
  for (const message of deadLetters.messages()) {
    lines.push(`${message.id} dead-lettered: ${String(message.attributes.LoaferErrorCode?.value)}`);
  }
  const health = manager.health().routes[0];
  lines.push(
    `health: deleted ${health?.handled.deleted}, retry ${health?.handled.retry}, dead-lettered ${health?.handled['dead-lettered']}`,
  );
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await main()).join('\n'));
