// The docs' snippets are real files under examples/snippets/; this test runs them, so that the docs
// cannot show code that does not work.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main as concepts } from '../../examples/snippets/concepts.js';
import { main as fifo } from '../../examples/snippets/fifo.js';
import { main as production } from '../../examples/snippets/production.js';
import { main as testingYourService } from '../../examples/snippets/testing-your-service.js';

describe('documentation snippets', () => {
  it('concepts: deletes, drops with DeleteMessage, and keeps what cannot be translated', async () => {
    const lines = await concepts();

    assert.ok(lines.includes('handled o-1 (delivery 1)'));
    assert.ok(lines.includes('error handler: LOAFER_ERR_TRANSLATION_NOT_JSON for orders-3'));
    assert.deepEqual(lines.filter((line) => line.includes(': ') && line.startsWith('orders-')).sort(), [
      'orders-1: deleted',
      'orders-2: deleted',
      'orders-3: kept',
    ]);
    assert.ok(lines.includes('left in the queue: 1'));
  });

  it('production: retries a busy payment in 60 s and dead-letters an invalid one', async () => {
    assert.deepEqual(await production(), [
      'payments-2 kept, visible again in 60 s',
      'payments-3 dead-lettered: LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
      'health: deleted 1, retry 1, dead-lettered 1',
    ]);
  });

  it('fifo: keeps each group in order', async () => {
    const order = await fifo();

    assert.deepEqual(
      order.filter((step) => step.startsWith('a')),
      ['a1', 'a2', 'a3'],
    );
    assert.deepEqual(
      order.filter((step) => step.startsWith('b')),
      ['b1', 'b2'],
    );
  });

  it('testing your service: runs its own assertions', async () => {
    const lines = await testingYourService();

    assert.equal(lines[0], 'hello, georgeyk');
  });
});

describe('docs that embed snippets', () => {
  it('show each snippet exactly as the file that the tests run', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const docs = new URL('../../docs/', import.meta.url);
    const stale: string[] = [];
    let embedded = 0;
    for (const name of readdirSync(docs).filter((file) => file.endsWith('.md'))) {
      const text = readFileSync(new URL(name, docs), 'utf8');
      for (const match of text.matchAll(/<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)) {
        embedded += 1;
        const file = readFileSync(new URL(`../../${match[1]}`, import.meta.url), 'utf8');
        if (file !== match[2]) stale.push(`${name}: ${match[1]}`);
      }
    }

    assert.ok(embedded >= 4, `expected the docs to embed the snippets, found ${embedded}`);
    assert.deepEqual(stale, []);
  });
});
