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

/** How one transport call may end early. */
export interface TransportCallOptions {
  /** Aborts the call (it then rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
  /** The call fails with a {@link TransportTimeoutError} when no response came within this many ms. */
  readonly timeoutMs: number;
}

/** A transport call got no response within its `timeoutMs`. */
export class TransportTimeoutError extends Error {
  /** @param timeoutMs - the timeout that expired. */
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`no response within ${timeoutMs} ms`, options);
    this.name = 'TimeoutError';
  }
}

/**
 * The SQS actions the provider calls. Inputs and outputs are the AWS SDK v3 shapes; every call rejects
 * with what the SDK would throw (its exception classes for service errors, Node's errors for the
 * network), so that errors.ts classifies both transports alike. Each call ends when `signal` aborts.
 */
export interface SqsTransport {
  /** `sdk` or `lean`. */
  readonly name: SqsTransportName;
  receiveMessage(input: ReceiveMessageRequest, options: TransportCallOptions): Promise<ReceiveMessageResult>;
  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    options: TransportCallOptions,
  ): Promise<DeleteMessageBatchResult>;
  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    options: TransportCallOptions,
  ): Promise<ChangeMessageVisibilityBatchResult>;
  /** Used to move a message to its dead-letter queue. */
  sendMessage(input: SendMessageRequest, options: TransportCallOptions): Promise<SendMessageResult>;
  getQueueUrl(input: GetQueueUrlRequest, options: TransportCallOptions): Promise<GetQueueUrlResult>;
  getQueueAttributes(
    input: GetQueueAttributesRequest,
    options: TransportCallOptions,
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

  receiveMessage(input: ReceiveMessageRequest, options: TransportCallOptions): Promise<ReceiveMessageResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new ReceiveMessageCommand(input), { abortSignal }),
      options,
    );
  }

  deleteMessageBatch(
    input: DeleteMessageBatchRequest,
    options: TransportCallOptions,
  ): Promise<DeleteMessageBatchResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new DeleteMessageBatchCommand(input), { abortSignal }),
      options,
    );
  }

  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    options: TransportCallOptions,
  ): Promise<ChangeMessageVisibilityBatchResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new ChangeMessageVisibilityBatchCommand(input), { abortSignal }),
      options,
    );
  }

  sendMessage(input: SendMessageRequest, options: TransportCallOptions): Promise<SendMessageResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new SendMessageCommand(input), { abortSignal }),
      options,
    );
  }

  getQueueUrl(input: GetQueueUrlRequest, options: TransportCallOptions): Promise<GetQueueUrlResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new GetQueueUrlCommand(input), { abortSignal }),
      options,
    );
  }

  getQueueAttributes(
    input: GetQueueAttributesRequest,
    options: TransportCallOptions,
  ): Promise<GetQueueAttributesResult> {
    return this.#send(
      (abortSignal) => this.#client.send(new GetQueueAttributesCommand(input), { abortSignal }),
      options,
    );
  }

  /** Sends a command with the call's signal and a timeout (the SDK has no per-call timeout). */
  async #send<Output>(
    run: (abortSignal: AbortSignal) => Promise<Output>,
    { signal, timeoutMs }: TransportCallOptions,
  ): Promise<Output> {
    const controller = new AbortController();
    const abort = (): void => controller.abort(signal?.reason);
    if (signal?.aborted === true) controller.abort(signal.reason);
    signal?.addEventListener('abort', abort, { once: true });
    let isTimedOut = false;
    const timer = setTimeout(() => {
      isTimedOut = true;
      controller.abort();
    }, timeoutMs);
    timer.unref();
    try {
      return await run(controller.signal);
    } catch (error) {
      if (isTimedOut) throw new TransportTimeoutError(timeoutMs, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }

  /** Nothing to close: the client belongs to whoever made it, and is destroyed by them. */
  destroy(): Promise<void> {
    return Promise.resolve();
  }
}
