// Fills a queue before a timed run: SendMessageBatch requests of 10, several in parallel, unsigned.
import { messageBody } from './profiles.js';
import type { SqsJsonClient } from './sqs-json-client.js';

const PARALLEL_BATCHES = 8;

/** Sends `count` benchmark messages to `queueUrl`; rejects if any entry failed. */
export async function seedQueue(client: SqsJsonClient, queueUrl: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 10);
      const bodies: string[] = [];
      for (let index = first; index < next; index++) bodies.push(messageBody(index));
      const failed = await client.sendBatch(queueUrl, bodies);
      if (failed.length > 0) throw new Error(`seeding failed: ${failed.length} entries (${failed[0]?.Code})`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
}

/** ApproximateNumberOfMessages of `queueUrl` (exact on fauxqs). */
export async function visibleMessages(client: SqsJsonClient, queueUrl: string): Promise<number> {
  const output = await client.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  return Number(output.Attributes?.ApproximateNumberOfMessages ?? Number.NaN);
}
