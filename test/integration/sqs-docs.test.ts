// Runs the snippet that docs/sqs.md embeds (examples/snippets/sqs.ts) against fauxqs, on each transport
// (its routes' providers take `transport` from the connection options they spread). The snippet names
// its queues and topic, so each transport gets a server of its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from '../../examples/snippets/sqs.js';
import { main } from '../../examples/snippets/sqs.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws } from '../support/fauxqs.js';
import { TRANSPORTS } from './sqs-fixtures.js';

for (const transport of TRANSPORTS) {
  describe(`docs/sqs.md snippet, ${transport} transport`, () => {
    let aws: LocalAws;

    before(async () => {
      aws = await startLocalAws();
    });

    after(async () => {
      await aws.stop();
    });

    it('consumes an SNS-fed queue, a JSON queue and a queue by URL, deleting each message', async () => {
      // The snippet's Connection has no `transport`; its helpers pass it on all the same.
      const lines = await main({ ...aws.clientOptions, transport } as Connection);

      assert.equal(lines.length, 3);
      assert.equal(lines[0], 'audit: login');
      assert.match(lines[1] ?? '', /^friend test-1 \(georgeyk\) from arn:aws:sns:[^:]+:\d+:friend-created$/);
      assert.equal(lines[2], 'order o-1: 42 (delivery 1)');
      for (const name of ['orders', 'foobar-friend-created', 'audit']) {
        const messages = aws.server.inspectQueue(name)?.messages;
        assert.equal((messages?.ready.length ?? 0) + (messages?.inflight.length ?? 0), 0, name);
      }
    });
  });
}
