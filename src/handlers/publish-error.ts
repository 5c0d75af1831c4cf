import type { LoaferErrorOptions } from '../core/errors.js';
import { LoaferError } from '../core/errors.js';

/** The codes a {@link PublishError} may carry. */
export type PublishErrorCode =
  | 'LOAFER_ERR_PUBLISH_FAILED'
  | 'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE'
  | 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE'
  | 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND';

/** One message that was not published, and why. */
export interface PublishFailure {
  /** The message's position in the list given to `publishBatch()` (0 for `publish()`). */
  readonly index: number;
  /** The batch entry id loafer generated for it (`msg-<index>`). */
  readonly id: string;
  /**
   * AWS's error code (`InvalidParameterValue`, `ThrottlingException`...), or loafer's own for checks
   * made before sending: `MessageTooLarge`, `InvalidMessage`, `InvalidAttribute`, `NotSent`
   * (not attempted because an earlier request failed for good), `Aborted`, `PublisherStopped`.
   */
  readonly code: string;
  /** The reason, in AWS's or loafer's words. Never contains the message body. */
  readonly message: string;
  /** Whether AWS blamed the request (a bad message) rather than itself. */
  readonly isSenderFault: boolean;
  /** How many times loafer sent it (0 when it failed a check before sending). */
  readonly attempts: number;
}

/** One message that was published. */
export interface PublishResult {
  /** The message's position in the list given to `publishBatch()` (0 for `publish()`). */
  readonly index: number;
  /** The id the broker gave the message (SQS `MessageId`, SNS `MessageId`). */
  readonly messageId: string;
  /** The FIFO sequence number, for FIFO queues and topics. */
  readonly sequenceNumber?: string;
}

/**
 * Messages could not be published. `failures` lists each of them with its index, entry id, code and
 * reason; `successes` lists the ones of the same call that were published (so that a caller can
 * retry only the others).
 *
 * - `LOAFER_ERR_PUBLISH_FAILED`: AWS rejected them, or retries ran out.
 * - `LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE`: a message (body and attributes) is larger than the
 *   limit; nothing was sent.
 * - `LOAFER_ERR_PUBLISH_INVALID_MESSAGE`: a message cannot be encoded or has invalid attributes, or
 *   a FIFO target got no group id; nothing was sent.
 * - `LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND`: the queue or topic named does not exist.
 */
export class PublishError extends LoaferError {
  /** Every message of the call that was not published, in index order. */
  readonly failures: readonly PublishFailure[];
  /** The messages of the same call that were published, in index order. */
  readonly successes: readonly PublishResult[];

  /**
   * @param code - which publishing problem this is.
   * @param message - the readable summary.
   * @param options - `failures`, `successes`, and `cause` (the last SDK error, for request failures).
   */
  constructor(
    code: PublishErrorCode,
    message: string,
    options: LoaferErrorOptions & {
      readonly failures: readonly PublishFailure[];
      readonly successes?: readonly PublishResult[];
    },
  ) {
    super(code, message, options);
    this.failures = [...options.failures].sort((a, b) => a.index - b.index);
    this.successes = [...(options.successes ?? [])].sort((a, b) => a.index - b.index);
  }
}

/** Whether `error` is a {@link PublishError}. */
export function isPublishError(error: unknown): error is PublishError {
  return error instanceof PublishError;
}

/** A summary line for a PublishError: how many failed and the first few codes. */
export function summarizeFailures(
  failures: readonly PublishFailure[],
  total: number,
  target: string,
): string {
  const codes = new Map<string, number>();
  for (const failure of failures) codes.set(failure.code, (codes.get(failure.code) ?? 0) + 1);
  const byCode = [...codes.entries()].map(([code, count]) => `${code} × ${count}`).join(', ');
  const first = failures[0];
  const detail = first === undefined ? '' : `; first: #${first.index} ${first.code}: ${first.message}`;
  return `${failures.length} of ${total} message(s) not published to ${target} (${byCode})${detail}`;
}
