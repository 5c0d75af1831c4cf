// The AWS SDK v3 transports of the loop contenders: the stock client as users create it, and a
// tuned one (the prototype of what a framework can do without leaving the SDK).
import { Agent } from 'node:http';
import {
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandInput,
  type DeleteMessageBatchCommandOutput,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { LoopMessage, LoopTransport } from './batch-loop.js';
import type { ChildConfig } from './ipc.js';

function receiveInput(queueUrl: string): ReceiveMessageCommandInput {
  return {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 20,
    MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    MessageAttributeNames: ['All'],
  };
}

function deleteInput(queueUrl: string, receiptHandles: readonly string[]): DeleteMessageBatchCommandInput {
  return {
    QueueUrl: queueUrl,
    Entries: receiptHandles.map((receiptHandle, index) => ({
      Id: String(index),
      ReceiptHandle: receiptHandle,
    })),
  };
}

function toLoopMessages(output: ReceiveMessageCommandOutput): readonly LoopMessage[] {
  return (output.Messages ?? []).map((message) => ({
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
  }));
}

function deleteOutcome(output: DeleteMessageBatchCommandOutput): { failed: number; error?: string } {
  const failed = output.Failed ?? [];
  if (failed.length === 0) return { failed: 0 };
  return { failed: failed.length, error: `${failed[0]?.Code}: ${failed[0]?.Message}` };
}

/** The stock client: `new SQSClient({ region, endpoint })`, credentials from the environment. */
export function stockSdkTransport(config: ChildConfig): LoopTransport {
  const client = new SQSClient({ region: config.region, endpoint: config.endpoint });
  return {
    async receive(signal) {
      return toLoopMessages(
        await client.send(new ReceiveMessageCommand(receiveInput(config.queueUrl)), { abortSignal: signal }),
      );
    },
    async deleteBatch(receiptHandles) {
      return deleteOutcome(
        await client.send(new DeleteMessageBatchCommand(deleteInput(config.queueUrl, receiptHandles))),
      );
    },
    async close() {
      client.destroy();
    },
  };
}

type Resolved<Input, Output> = (args: { input: Input }) => Promise<{ output: Output }>;

/**
 * The tuned client: no MD5 check of received bodies, a keep-alive agent sized for the pollers,
 * middlewares that do nothing useful here removed (logger, user agent, recursion detection), and
 * each command's middleware stack resolved once and reused instead of per call.
 */
export function tunedSdkTransport(config: ChildConfig): LoopTransport {
  const pollers = Math.max(1, Math.ceil(config.concurrency / 10));
  const client = new SQSClient({
    region: config.region,
    endpoint: config.endpoint,
    md5: false,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: pollers + 4 }) },
  });
  for (const name of ['loggerMiddleware', 'getUserAgentMiddleware', 'recursionDetectionMiddleware']) {
    client.middlewareStack.remove(name);
  }
  const signals = new Map<AbortSignal, Resolved<ReceiveMessageCommandInput, ReceiveMessageCommandOutput>>();
  const receiveFor = (
    signal: AbortSignal,
  ): Resolved<ReceiveMessageCommandInput, ReceiveMessageCommandOutput> => {
    let resolved = signals.get(signal);
    if (resolved === undefined) {
      resolved = new ReceiveMessageCommand(receiveInput(config.queueUrl)).resolveMiddleware(
        client.middlewareStack,
        client.config,
        { abortSignal: signal },
      ) as Resolved<ReceiveMessageCommandInput, ReceiveMessageCommandOutput>;
      signals.set(signal, resolved);
    }
    return resolved;
  };
  const deleteBatch = new DeleteMessageBatchCommand(deleteInput(config.queueUrl, [])).resolveMiddleware(
    client.middlewareStack,
    client.config,
    undefined,
  ) as Resolved<DeleteMessageBatchCommandInput, DeleteMessageBatchCommandOutput>;
  const input = receiveInput(config.queueUrl);
  return {
    async receive(signal) {
      return toLoopMessages((await receiveFor(signal)({ input })).output);
    },
    async deleteBatch(receiptHandles) {
      return deleteOutcome(
        (await deleteBatch({ input: deleteInput(config.queueUrl, receiptHandles) })).output,
      );
    },
    async close() {
      client.destroy();
    },
  };
}
