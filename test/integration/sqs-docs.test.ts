// Runs the snippet that docs/sqs.md embeds (examples/snippets/sqs.ts) against fauxqs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../examples/snippets/sqs.js';
import type { LocalAws } from '../support/fauxqs.js';
import { startLocalAws } from '../support/fauxqs.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

describe('docs/sqs.md snippet', () => {
  it('consumes an SNS-fed queue, a JSON queue and a queue by URL, deleting each message', async () => {
    const lines = await main(aws.clientOptions);

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
