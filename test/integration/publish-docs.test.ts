// Runs the snippet that docs/publishing.md embeds (examples/snippets/publishing.ts) against fauxqs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { main } from '../../examples/snippets/publishing.js';
import { type LocalAws, startLocalAws } from '../support/fauxqs.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

async function receiveBodies(queueName: string): Promise<string[]> {
  const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const { Messages } = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (Messages ?? []).map((message) => message.Body ?? '');
}

describe('docs/publishing.md snippet', () => {
  it('publishes, reports the message that was too large, and forwards', async () => {
    const lines = await main(aws.clientOptions);

    assert.match(lines[0] ?? '', /^order published as \S+$/);
    assert.equal(lines[1], '25 orders published');
    assert.equal(lines[2], '#1 not published: MessageTooLarge');
    assert.match(lines[3] ?? '', /^event published to arn:aws:sns:[^:]+:\d+:order-events$/);
    assert.equal(lines[4], 'forwarded, source left: 0');
    assert.deepEqual(
      (await receiveBodies('orders-archive')).map((body) => JSON.parse(body)),
      [{ id: 'o-99', total: 7, archivedFrom: 'archive-orders' }],
    );
    const [audit] = await receiveBodies('order-events-audit');
    assert.equal(JSON.parse(audit ?? '{}').Subject, 'order paid');
  });
});
