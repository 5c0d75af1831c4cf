// What SqsPublisher and SnsPublisher do alike, composed into each: the client they may own, the
// PublishEngine and its transport, the target's address (queue URL, topic ARN) found once and
// cached, publish/publishBatch/stop. Each publisher brings its AWS commands as a PublisherWire.
import { checkThat } from '../core/validate.js';
import { summarizeAwsError } from '../providers/aws/errors.js';
import type { BatchOutcome, PublishCallOptions, SentEntry } from './publish-engine.js';
import { PublishEngine, TargetNotFound } from './publish-engine.js';
import type { PublishResult } from './publish-error.js';
import { PublishError } from './publish-error.js';
import type { PreparedEntry, RawEntry } from './publish-message.js';
import { prepareEntries } from './publish-message.js';
import type { ResolvedCommonPublisherOptions } from './publisher-support.js';
import { resolveOwnClient, sendOptions, stoppedError } from './publisher-support.js';

/** The resolved options a {@link PublisherCore} uses; both publishers' resolved options have them. */
export interface PublisherCoreOptions<Message, Client> extends ResolvedCommonPublisherOptions<Message> {
  readonly client: Client | undefined;
  readonly isFifo: boolean;
}

/** `send()` options of the SDK clients. */
type SendOptions = { abortSignal?: AbortSignal };

/** The answer to a single-message call (SendMessage, Publish): SQS and SNS name the fields alike. */
export interface SingleOutput {
  readonly MessageId?: string | undefined;
  readonly SequenceNumber?: string | undefined;
}

/** The answer to a batch call (SendMessageBatch, PublishBatch): SQS and SNS name the fields alike. */
export interface BatchOutput {
  readonly Successful?: readonly (SingleOutput & { readonly Id?: string | undefined })[] | undefined;
  readonly Failed?:
    | readonly {
        readonly Id?: string | undefined;
        readonly Code?: string | undefined;
        readonly Message?: string | undefined;
        readonly SenderFault?: boolean | undefined;
      }[]
    | undefined;
}

/** The part of a publisher that depends on its service: its client, its target and its commands. */
export interface PublisherWire<Client> {
  /** The target, for logs and errors: `queue <name>`, `topic <name>`. */
  readonly description: string;
  /** The most attributes per message (10 for SQS), or undefined for no limit. */
  readonly maxAttributes: number | undefined;
  /** The target's address when the options give it (a queue URL, a topic ARN); else looked up. */
  readonly address: string | undefined;
  /** Creates the client when the caller gave none. */
  createClient(): Client;
  /**
   * Finds the target's address (GetQueueUrl, ListTopics).
   *
   * @throws {TargetNotFound} when there is no such target, or the SDK error.
   */
  lookUp(client: Client, options: SendOptions): Promise<string>;
  /** Whether an SDK error of a send means that the target does not exist. */
  isNotFound(error: unknown): boolean;
  /** Sends one message with the single-message command. */
  sendOne(client: Client, address: string, entry: PreparedEntry, options: SendOptions): Promise<SingleOutput>;
  /** Sends a batch with the batch command. */
  sendBatch(
    client: Client,
    address: string,
    entries: readonly PreparedEntry[],
    options: SendOptions,
  ): Promise<BatchOutput>;
}

/**
 * The engine of one publisher: owns (or borrows) the client, caches the target's address, checks and
 * encodes messages and hands them to a {@link PublishEngine}.
 */
export class PublisherCore<Message, Client extends { destroy(): void }> {
  readonly #options: PublisherCoreOptions<Message, Client>;
  readonly #wire: PublisherWire<Client>;
  readonly #client: Client;
  readonly #ownsClient: boolean;
  readonly #engine: PublishEngine;
  #address: Promise<string> | undefined;
  #isStopped = false;

  /**
   * @param options - the publisher's resolved options.
   * @param wire - its service's side.
   */
  constructor(options: PublisherCoreOptions<Message, Client>, wire: PublisherWire<Client>) {
    this.#options = options;
    this.#wire = wire;
    const own = resolveOwnClient(options.client, () => wire.createClient());
    this.#client = own.client;
    this.#ownsClient = own.isOwned;
    if (wire.address !== undefined) this.#address = Promise.resolve(wire.address);
    this.#engine = new PublishEngine({
      transport: {
        description: wire.description,
        maxEntriesPerBatch: 10,
        maxBatchBytes: options.maxMessageBytes,
        sendOne: async (entry, signal) =>
          toSent(
            await this.#send(signal, (address, send) => wire.sendOne(this.#client, address, entry, send)),
          ),
        sendBatch: async (entries, signal) =>
          toOutcome(
            await this.#send(signal, (address, send) => wire.sendBatch(this.#client, address, entries, send)),
          ),
      },
      retry: options.retry,
      requestTimeoutMs: options.requestTimeoutMs,
      clock: options.clock,
      random: options.random,
      logger: options.logger,
    });
  }

  /** The client in use (the caller's, or the one created here). */
  get client(): Client {
    return this.#client;
  }

  /** The target, for logs and errors: `queue <name>`, `topic <name>`. */
  get description(): string {
    return this.#wire.description;
  }

  /**
   * The target's address: as given, or looked up once and cached (a failed lookup is tried again).
   *
   * @throws {PublishError} `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND` when the target does not exist.
   */
  async address(signal: AbortSignal | undefined): Promise<string> {
    try {
      return await this.#resolveAddress(signal);
    } catch (error) {
      if (error instanceof TargetNotFound) {
        throw new PublishError('LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', error.message, {
          failures: [],
          cause: error.cause === undefined ? undefined : summarizeAwsError(error.cause),
        });
      }
      throw error;
    }
  }

  /**
   * Publishes one message with the single-message call.
   *
   * @throws {PublishError} when it was not published.
   */
  async publish(
    message: Message,
    options: Omit<RawEntry<Message>, 'message'> & PublishCallOptions,
  ): Promise<PublishResult> {
    const entries = this.#prepare([{ ...options, message }]);
    return this.#engine.publishOne(entries[0] as PreparedEntry, options);
  }

  /**
   * Publishes many messages with batch calls, after checking every one.
   *
   * @throws {PublishError} listing each message not published.
   */
  async publishBatch(
    entries: readonly RawEntry<Message>[],
    options: PublishCallOptions,
  ): Promise<PublishResult[]> {
    checkThat(Array.isArray(entries), 'entries', 'an array of { message, ...fields }', entries);
    const prepared = this.#prepare(entries);
    return this.#engine.publishBatch(prepared, options);
  }

  /** Destroys the client created here (the caller's is left alone). Idempotent. */
  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  #prepare(entries: readonly RawEntry<Message>[]): PreparedEntry[] {
    if (this.#isStopped) throw stoppedError(this.#wire.description, entries.length);
    return prepareEntries(entries, this.#options.encode, {
      maxMessageBytes: this.#options.maxMessageBytes,
      maxAttributes: this.#wire.maxAttributes,
      isFifo: this.#options.isFifo,
      target: this.#wire.description,
    });
  }

  #resolveAddress(signal: AbortSignal | undefined): Promise<string> {
    if (this.#address !== undefined) return this.#address;
    const lookup = this.#wire.lookUp(this.#client, sendOptions(signal));
    this.#address = lookup;
    // A failed lookup is not cached: the next publish tries again.
    lookup.catch(() => {
      if (this.#address === lookup) this.#address = undefined;
    });
    return lookup;
  }

  /** Sends to the target's address; "target does not exist" becomes {@link TargetNotFound}. */
  async #send<Output>(
    signal: AbortSignal | undefined,
    send: (address: string, options: SendOptions) => Promise<Output>,
  ): Promise<Output> {
    const address = await this.#resolveAddress(signal);
    try {
      return await send(address, sendOptions(signal));
    } catch (error) {
      throw this.#notFound(error);
    }
  }

  /** Maps "target does not exist" to {@link TargetNotFound} and forgets a looked-up address. */
  #notFound(error: unknown): unknown {
    if (!this.#wire.isNotFound(error)) return error;
    if (this.#wire.address === undefined) this.#address = undefined;
    return new TargetNotFound(`${this.#wire.description} does not exist`, { cause: error });
  }
}

function toSent(output: SingleOutput): Omit<SentEntry, 'id'> {
  return output.SequenceNumber === undefined
    ? { messageId: output.MessageId ?? '' }
    : { messageId: output.MessageId ?? '', sequenceNumber: output.SequenceNumber };
}

function toOutcome(output: BatchOutput): BatchOutcome {
  return {
    successful: (output.Successful ?? []).map((sent) =>
      sent.SequenceNumber === undefined
        ? { id: sent.Id ?? '', messageId: sent.MessageId ?? '' }
        : { id: sent.Id ?? '', messageId: sent.MessageId ?? '', sequenceNumber: sent.SequenceNumber },
    ),
    failed: (output.Failed ?? []).map((failed) => ({
      id: failed.Id ?? '',
      code: failed.Code ?? 'UnknownError',
      message: failed.Message ?? '',
      isSenderFault: failed.SenderFault ?? false,
    })),
  };
}
