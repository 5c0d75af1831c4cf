// The loop transport over the bench's own AWS JSON 1.0 client (unsigned or SigV4-signed).
import type { LoopTransport } from './batch-loop.js';
import type { ChildConfig } from './ipc.js';
import { SqsJsonClient } from './sqs-json-client.js';

/** A loop transport on an undici pool with one connection per poller (plus two). */
export function jsonLoopTransport(config: ChildConfig, isSigned: boolean): LoopTransport {
  const pollers = Math.max(1, Math.ceil(config.concurrency / 10));
  const client = new SqsJsonClient({
    endpoint: config.endpoint,
    connections: pollers + 2,
    isSigned,
    region: config.region,
  });
  return {
    async receive(signal) {
      const messages = await client.receive(config.queueUrl, 10, 20, signal);
      return messages.map((message) => ({ receiptHandle: message.ReceiptHandle, body: message.Body }));
    },
    async deleteBatch(receiptHandles) {
      const failed = await client.deleteBatch(
        config.queueUrl,
        receiptHandles.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })),
      );
      if (failed.length === 0) return { failed: 0 };
      return { failed: failed.length, error: failed[0]?.Code ?? 'delete entry failed' };
    },
    async close() {
      // Idle long polls are still open: end them rather than wait up to 20 s.
      await client.destroy();
    },
  };
}
