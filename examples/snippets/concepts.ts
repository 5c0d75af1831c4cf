// docs/concepts.md: a route, its handler and error handler, on the in-memory provider.
// Run: node --conditions=source --import tsx examples/snippets/concepts.ts
import { DeleteMessage, isTranslationError, jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { MemoryProvider } from 'loafer/testing';

interface Order {
  readonly id: string;
  readonly total: number;
}

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  const provider = new MemoryProvider({ name: 'orders' }); // in production: new SqsProvider({ queue: 'orders' })
  provider.send({ id: 'o-1', total: 10 });
  provider.send({ id: 'o-2', total: -1 });
  provider.send('not json');

  const route = new Route({
    name: 'orders',
    provider,
    messageTranslator: jsonTranslator<Order>(),
    handler: async (order, context) => {
      if (order.total < 0) throw new DeleteMessage('negative total: can never succeed');
      lines.push(`handled ${order.id} (delivery ${context.receiveCount})`);
      return true; // delete
    },
    errorHandler: (error, context) => {
      lines.push(
        `error handler: ${isTranslationError(error) ? error.code : String(error)} for ${context.message.id}`,
      );
      return false; // keep: it comes back after the visibility timeout, then goes to the DLQ
    },
  });

  const manager = new Manager({ routes: [route], logger: silentLogger });
  manager.on('messageHandled', (event) => lines.push(`${event.message.id}: ${event.outcome}`));
  await manager.runOnce();
  lines.push(`left in the queue: ${provider.size}`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await main()).join('\n'));
