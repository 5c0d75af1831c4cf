// docs/production.md: FIFO groups run in order, groups in parallel.
// Run: node --conditions=source --import tsx examples/snippets/fifo.ts
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { MemoryProvider } from 'loafer/testing';

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  const provider = new MemoryProvider({ name: 'accounts.fifo', isFifo: true });
  for (const [account, step] of [
    ['a', 1],
    ['b', 1],
    ['a', 2],
    ['a', 3],
    ['b', 2],
  ] as const) {
    provider.send({ account, step }, { groupId: account });
  }
  const route = new Route({
    name: 'accounts',
    provider,
    messageTranslator: jsonTranslator<{ account: string; step: number }>(),
    concurrency: 10, // groups in parallel; one message of a group at a time
    handler: async ({ account, step }) => {
      lines.push(`${account}${step}`);
      return true;
    },
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce();
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await main()).join(' '));
