// How the SQS provider talks to SQS: the six actions it uses, with the AWS SDK's input and output
// shapes, behind one small interface. Two implementations: the SDK's own client (`SdkTransport`, here)
// and the lean AWS JSON 1.0 transport (`LeanTransport`, lean-transport.ts).
import type {
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageRequest,
  SendMessageResult,
  SQSClient,
  SQSClientConfig,
} from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';

/** Which transport a provider uses: loafer's lean AWS JSON 1.0 client, or the AWS SDK's `SQSClient`. */
export type SqsTransportName = 'lean' | 'sdk';

/**
 * The SQS actions the provider calls. Inputs and outputs are the AWS SDK v3 shapes; every call rejects
 * with what the SDK would throw (its exception classes for service errors, Node's errors for the
 * network), so that errors.ts classifies both transports alike. Each call ends when `signal` aborts.
 */
export interface SqsTransport {
  /** `sdk` or `lean`. */
  readonly name: SqsTransportName;
  receiveMessage(input: ReceiveMessageRequest, signal: AbortSignal): Promise<ReceiveMessageResult>;
  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    signal: AbortSignal,
  ): Promise<DeleteMessageBatchResult>;
  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    signal: AbortSignal,
  ): Promise<ChangeMessageVisibilityBatchResult>;
  /** Used to move a message to its dead-letter queue. */
  sendMessage(input: SendMessageRequest, signal: AbortSignal): Promise<SendMessageResult>;
  getQueueUrl(input: GetQueueUrlRequest, signal: AbortSignal): Promise<GetQueueUrlResult>;
  getQueueAttributes(
    input: GetQueueAttributesRequest,
    signal: AbortSignal,
  ): Promise<GetQueueAttributesResult>;
  /** Closes the transport's own connections; calls in flight fail. A client is left to its owner. */
  destroy(): Promise<void>;
}

/**
 * The request handler options of an `SQSClient` the provider creates for the SDK transport: keep-alive
 * agents without a socket limit. The SDK's default handler allows 50 sockets, fewer than a route with
 * concurrency 500 keeps in long polls (50) plus its batched acks; once they are all taken, deletes wait
 * behind 20-second polls. The route bounds the number of requests in flight; the agents need not.
 */
export function sdkRequestHandlerOptions(): NonNullable<SQSClientConfig['requestHandler']> {
  // Agent options rather than agents: the SDK's handler creates them (keep-alive) and owns them.
  return {
    httpAgent: { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY },
    httpsAgent: { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY },
  };
}

/** The SDK transport: every call is `client.send(command)`. */
export class SdkTransport implements SqsTransport {
  readonly name = 'sdk';
  readonly #client: SQSClient;

  /** @param client - the client to send with; its owner destroys it. */
  constructor(client: SQSClient) {
    this.#client = client;
  }

  receiveMessage(input: ReceiveMessageRequest, abortSignal: AbortSignal): Promise<ReceiveMessageResult> {
    return this.#client.send(new ReceiveMessageCommand(input), { abortSignal });
  }

  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    abortSignal: AbortSignal,
  ): Promise<DeleteMessageBatchResult> {
    return this.#client.send(new DeleteMessageBatchCommand(input), { abortSignal });
  }

  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    abortSignal: AbortSignal,
  ): Promise<ChangeMessageVisibilityBatchResult> {
    return this.#client.send(new ChangeMessageVisibilityBatchCommand(input), { abortSignal });
  }

  sendMessage(input: SendMessageRequest, abortSignal: AbortSignal): Promise<SendMessageResult> {
    return this.#client.send(new SendMessageCommand(input), { abortSignal });
  }

  getQueueUrl(input: GetQueueUrlRequest, abortSignal: AbortSignal): Promise<GetQueueUrlResult> {
    return this.#client.send(new GetQueueUrlCommand(input), { abortSignal });
  }

  getQueueAttributes(
    input: GetQueueAttributesRequest,
    abortSignal: AbortSignal,
  ): Promise<GetQueueAttributesResult> {
    return this.#client.send(new GetQueueAttributesCommand(input), { abortSignal });
  }

  /** Nothing to close: the client belongs to whoever made it, and is destroyed by them. */
  destroy(): Promise<void> {
    return Promise.resolve();
  }
}
