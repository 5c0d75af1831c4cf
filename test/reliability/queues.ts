// Seeding and draining queues with the real SDK, straight to the server (never through the proxy).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';

/** Sends `bodies` in batches of 10, `parallel` batches at a time; fails on any refused entry. */
export async function seedQueue(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  parallel = 8,
): Promise<void> {
  const batches: string[][] = [];
  for (let index = 0; index < bodies.length; index += 10) batches.push(bodies.slice(index, index + 10));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] as string[];
      const output = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
      if ((output.Failed ?? []).length > 0 || (output.Successful ?? []).length !== batch.length) {
        throw new Error(`seeding failed: ${JSON.stringify(output.Failed)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Receives everything visible in a queue (hiding each message for 10 minutes so that it is seen once)
 * and returns the bodies. Stops after two empty receives in a row.
 */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  let empty = 0;
  while (empty < 2) {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 600,
      }),
    );
    const messages = output.Messages ?? [];
    if (messages.length === 0) empty += 1;
    else empty = 0;
    for (const message of messages) bodies.push(message.Body ?? '');
  }
  return bodies;
}

/** The seeded id in a body (`{"id": ...}`), or the body itself when it is not one of ours. */
export function idOfBody(body: string): string {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : body;
  } catch {
    return body;
  }
}
