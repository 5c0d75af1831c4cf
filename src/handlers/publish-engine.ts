// The part of publishing that SQS and SNS share: batching, retries of failed entries and failed
// requests with backoff and jitter, and the PublishError that lists what did not make it.
import type { Clock } from '../core/clock.js';
import { backoffDelayMs } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { checkInteger, checkObject, checkThat } from '../core/validate.js';
import {
  awsErrorCode,
  errorMessage,
  isRetryableAwsError,
  isRetryableEntryFailure,
  summarizeAwsError,
} from '../providers/aws/errors.js';
import type { PublishErrorCode, PublishFailure, PublishResult } from './publish-error.js';
import { PublishError, summarizeFailures } from './publish-error.js';
import type { PreparedEntry } from './publish-message.js';
import { splitIntoBatches } from './publish-message.js';

/** How failed messages and failed requests are retried. */
export interface PublishRetryOptions {
  /**
   * How many times a message is sent at most, the first time included (1: no retry). Applies to
   * failed batch entries and to whole requests that failed (throttling, 5xx, network).
   *
   * @defaultValue 5
   */
  readonly maxAttempts?: number;
  /**
   * The delay before the first retry, in milliseconds; it doubles with each retry, with jitter.
   *
   * @defaultValue 100
   */
  readonly baseDelayMs?: number;
  /**
   * The largest delay between two attempts, in milliseconds.
   *
   * @defaultValue 5000
   */
  readonly maxDelayMs?: number;
}

/** {@link PublishRetryOptions} after defaults and validation. */
export interface ResolvedPublishRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Applies defaults to retry options and validates them.
 *
 * @throws {ConfigurationError} naming the invalid option (`retry.maxAttempts`...) and its value.
 */
export function resolvePublishRetryOptions(
  options: PublishRetryOptions | undefined,
): ResolvedPublishRetryOptions {
  if (options === undefined) return { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };
  checkObject('retry', options);
  const maxAttempts = checkInteger('retry.maxAttempts', options.maxAttempts, 5, { min: 1, max: 100 });
  const baseDelayMs = checkInteger('retry.baseDelayMs', options.baseDelayMs, 100, { min: 0, max: 600_000 });
  const maxDelayMs = checkInteger('retry.maxDelayMs', options.maxDelayMs, Math.max(5000, baseDelayMs), {
    min: 0,
    max: 600_000,
  });
  checkThat(
    maxDelayMs >= baseDelayMs,
    'retry.maxDelayMs',
    `an integer >= retry.baseDelayMs (${baseDelayMs})`,
    maxDelayMs,
  );
  return { maxAttempts, baseDelayMs, maxDelayMs };
}

/** A message the broker accepted, by batch entry id. */
export interface SentEntry {
  readonly id: string;
  readonly messageId: string;
  readonly sequenceNumber?: string;
}

/** A batch entry the broker refused. */
export interface FailedEntry {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  readonly isSenderFault: boolean;
}

/** What one request did with its entries. */
export interface BatchOutcome {
  readonly successful: readonly SentEntry[];
  readonly failed: readonly FailedEntry[];
}

/** Thrown by a transport when its queue or topic does not exist: nothing more is sent. */
export class TargetNotFound extends Error {
  /**
   * @param message - which target was not found.
   * @param options - `cause`, the SDK error, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetNotFound';
  }
}

/** A request got no answer within `requestTimeoutMs`: it was aborted, and is retried. */
class RequestTimeout extends Error {
  /** Retryable, as a network timeout is. */
  readonly code = 'RequestTimeout';

  constructor(timeoutMs: number, cause?: unknown) {
    super(`no response within ${timeoutMs} ms`, cause === undefined ? undefined : { cause });
    this.name = 'RequestTimeout';
  }
}

/** The wire side of one target: an SQS queue or an SNS topic. */
export interface PublishTransport {
  /** The target, for logs and errors: `queue orders`, `topic arn:aws:sns:...`. */
  readonly description: string;
  /** The most entries per batch request. */
  readonly maxEntriesPerBatch: number;
  /** The most bytes per batch request, all entries together. */
  readonly maxBatchBytes: number;
  /**
   * Sends one message with the single-message call.
   *
   * @throws the SDK error, or {@link TargetNotFound}.
   */
  sendOne(entry: PreparedEntry, signal: AbortSignal | undefined): Promise<Omit<SentEntry, 'id'>>;
  /**
   * Sends up to `maxEntriesPerBatch` entries in one batch call.
   *
   * @throws the SDK error when the whole request failed, or {@link TargetNotFound}.
   */
  sendBatch(entries: readonly PreparedEntry[], signal: AbortSignal | undefined): Promise<BatchOutcome>;
}

/** Options of one publish call. */
export interface PublishCallOptions {
  /** Cancels the publish: pending requests are aborted and retries stop. */
  readonly signal?: AbortSignal;
  /**
   * Where this call logs its retries (a handler passes its context's logger).
   *
   * @defaultValue the publisher's logger
   */
  readonly logger?: Logger;
}

interface EngineOptions {
  readonly transport: PublishTransport;
  readonly retry: ResolvedPublishRetryOptions;
  /** How long one request may take before it is aborted and retried. */
  readonly requestTimeoutMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
}

/** How one batch ended when the publish must stop there. */
interface FatalStop {
  readonly code: PublishErrorCode;
  readonly cause: unknown;
}

type Send = (entries: readonly PreparedEntry[], signal: AbortSignal | undefined) => Promise<BatchOutcome>;

/**
 * Sends prepared entries through a transport: one request per batch (split by entry count and
 * bytes), batches in order; failed entries and failed requests retried while retryable and attempts
 * remain; a {@link PublishError} listing every failure when some did not make it.
 */
export class PublishEngine {
  readonly #options: EngineOptions;

  /** @param options - the transport, retry options, clock, random source and logger. */
  constructor(options: EngineOptions) {
    this.#options = options;
  }

  /**
   * Publishes one message with the single-message call.
   *
   * @throws {PublishError} when it was not published.
   */
  async publishOne(entry: PreparedEntry, call: PublishCallOptions): Promise<PublishResult> {
    const transport = this.#options.transport;
    const send: Send = async (entries, signal) => {
      const only = entries[0] as PreparedEntry;
      const sent = await transport.sendOne(only, signal);
      return { successful: [{ ...sent, id: only.id }], failed: [] };
    };
    const [result] = await this.#publish([[entry]], 1, send, call);
    return result as PublishResult;
  }

  /**
   * Publishes many messages with batch calls.
   *
   * @throws {PublishError} when some were not published (the error lists them and the others).
   */
  async publishBatch(entries: readonly PreparedEntry[], call: PublishCallOptions): Promise<PublishResult[]> {
    if (entries.length === 0) return [];
    const transport = this.#options.transport;
    const batches = splitIntoBatches(entries, transport.maxEntriesPerBatch, transport.maxBatchBytes);
    return this.#publish(
      batches,
      entries.length,
      (batch, signal) => transport.sendBatch(batch, signal),
      call,
    );
  }

  async #publish(
    batches: readonly (readonly PreparedEntry[])[],
    total: number,
    send: Send,
    call: PublishCallOptions,
  ): Promise<PublishResult[]> {
    const successes: PublishResult[] = [];
    const failures: PublishFailure[] = [];
    let fatal: FatalStop | undefined;
    for (const batch of batches) {
      if (fatal !== undefined) {
        for (const entry of batch) {
          failures.push(failure(entry, 'NotSent', 'not sent: an earlier request failed for good', false, 0));
        }
        continue;
      }
      fatal = await this.#sendWithRetry(batch, send, call, successes, failures);
    }
    const description = this.#options.transport.description;
    if (failures.length > 0) {
      const code: PublishErrorCode = fatal?.code ?? 'LOAFER_ERR_PUBLISH_FAILED';
      throw new PublishError(code, summarizeFailures(failures, total, description), {
        failures,
        successes,
        // A summary, never the SDK's exception: that one holds the signed request's headers.
        cause: fatal?.cause === undefined ? undefined : summarizeAwsError(fatal.cause),
      });
    }
    (call.logger ?? this.#options.logger).debug({ target: description, count: total }, 'messages published');
    return successes.sort((a, b) => a.index - b.index);
  }

  /** Sends one batch until every entry is sent or has failed for good; returns why to stop, if so. */
  async #sendWithRetry(
    batch: readonly PreparedEntry[],
    send: Send,
    call: PublishCallOptions,
    successes: PublishResult[],
    failures: PublishFailure[],
  ): Promise<FatalStop | undefined> {
    const { retry, clock, random, transport } = this.#options;
    const logger = call.logger ?? this.#options.logger;
    const signal = call.signal;
    let pending: readonly PreparedEntry[] = batch;
    for (let attempt = 1; ; attempt++) {
      if (isAborted(signal)) {
        for (const entry of pending) {
          failures.push(failure(entry, 'Aborted', 'publish aborted before it was sent', false, attempt - 1));
        }
        return { code: 'LOAFER_ERR_PUBLISH_FAILED', cause: signal?.reason };
      }
      let outcome: BatchOutcome;
      const request = this.#requestSignal(signal);
      try {
        outcome = await send(pending, request.signal);
      } catch (thrown) {
        const error =
          request.didTimeOut() && !isAborted(signal)
            ? new RequestTimeout(this.#options.requestTimeoutMs, thrown)
            : thrown;
        if (error instanceof TargetNotFound) {
          for (const entry of pending)
            failures.push(failure(entry, 'TargetNotFound', error.message, true, attempt));
          return { code: 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND', cause: error.cause ?? error };
        }
        const code = awsErrorCode(error);
        const isRetryable = isRetryableAwsError(error) && !isAborted(signal);
        if (!isRetryable || attempt >= retry.maxAttempts) {
          const reason = errorMessage(error);
          for (const entry of pending) failures.push(failure(entry, code, reason, !isRetryable, attempt));
          return { code: 'LOAFER_ERR_PUBLISH_FAILED', cause: error };
        }
        logger.warn(
          { target: transport.description, attempt, count: pending.length, code },
          'publish request failed, retrying',
        );
        await clock.sleep(this.#delayMs(attempt, random), signal);
        continue;
      } finally {
        request.dispose();
      }
      const byId = new Map(pending.map((entry) => [entry.id, entry]));
      for (const sent of outcome.successful) {
        const entry = byId.get(sent.id);
        if (entry === undefined) continue;
        byId.delete(sent.id);
        successes.push(
          sent.sequenceNumber === undefined
            ? { index: entry.index, messageId: sent.messageId }
            : { index: entry.index, messageId: sent.messageId, sequenceNumber: sent.sequenceNumber },
        );
      }
      const retryable: PreparedEntry[] = [];
      const codes = new Set<string>();
      const reported = outcome.failed.filter((failed) => byId.has(failed.id));
      // An entry the response does not mention at all is treated as a retryable failure.
      const reportedIds = new Set(reported.map((failed) => failed.id));
      const unreported: FailedEntry[] = [...byId.keys()]
        .filter((id) => !reportedIds.has(id))
        .map((id) => ({
          id,
          code: 'MissingResult',
          message: 'the response did not mention this entry',
          isSenderFault: false,
        }));
      for (const failed of [...reported, ...unreported]) {
        const entry = byId.get(failed.id) as PreparedEntry;
        if (
          isRetryableEntryFailure(failed.code, failed.isSenderFault) &&
          attempt < retry.maxAttempts &&
          !isAborted(signal)
        ) {
          retryable.push(entry);
          codes.add(failed.code);
        } else {
          failures.push(failure(entry, failed.code, failed.message, failed.isSenderFault, attempt));
        }
      }
      if (retryable.length === 0) return undefined;
      logger.warn(
        { target: transport.description, attempt, count: retryable.length, codes: [...codes] },
        'publish entries failed, retrying',
      );
      pending = retryable.sort((a, b) => a.index - b.index);
      await clock.sleep(this.#delayMs(attempt, random), signal);
    }
  }

  /**
   * The signal of one request: aborted by the caller's signal, or by the clock after
   * `requestTimeoutMs` (then `didTimeOut()` is true).
   */
  #requestSignal(caller: AbortSignal | undefined): {
    signal: AbortSignal;
    didTimeOut(): boolean;
    dispose(): void;
  } {
    const controller = new AbortController();
    let didTimeOut = false;
    const timer = this.#options.clock.setTimer(this.#options.requestTimeoutMs, () => {
      didTimeOut = true;
      controller.abort(new RequestTimeout(this.#options.requestTimeoutMs));
    });
    const onAbort = (): void => controller.abort(caller?.reason);
    if (caller?.aborted === true) onAbort();
    else caller?.addEventListener('abort', onAbort, { once: true });
    return {
      signal: controller.signal,
      didTimeOut: () => didTimeOut,
      dispose: () => {
        timer.cancel();
        caller?.removeEventListener('abort', onAbort);
      },
    };
  }

  #delayMs(attempt: number, random: () => number): number {
    const { baseDelayMs, maxDelayMs } = this.#options.retry;
    return backoffDelayMs(attempt, { baseMs: baseDelayMs, maxMs: maxDelayMs, random });
  }
}

function failure(
  entry: PreparedEntry,
  code: string,
  message: string,
  isSenderFault: boolean,
  attempts: number,
): PublishFailure {
  return { index: entry.index, id: entry.id, code, message, isSenderFault, attempts };
}

/** Whether `signal` is aborted (a function, so that TypeScript does not narrow it across awaits). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
