// The AWS JSON 1.0 protocol of SQS, as the lean transport speaks it: request bodies out, response
// bodies in, and error responses turned into the very errors the AWS SDK v3 throws (its exception
// classes, with `name`, `Code`, `$fault` and `$metadata`), so that errors.ts classifies both transports
// with the same predicates. Pure: no network here.
import type { MessageAttributeValue, SendMessageRequest } from '@aws-sdk/client-sqs';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidAddress,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidBatchEntryId,
  InvalidIdFormat,
  InvalidMessageContents,
  InvalidSecurity,
  KmsAccessDenied,
  KmsDisabled,
  KmsInvalidKeyUsage,
  KmsInvalidState,
  KmsNotFound,
  KmsOptInRequired,
  KmsThrottled,
  MessageNotInflight,
  OverLimit,
  PurgeQueueInProgress,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  RequestThrottled,
  ResourceNotFoundException,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';

/** The content type of SQS's JSON protocol. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** The SQS actions the provider calls. */
export type SqsAction =
  | 'ReceiveMessage'
  | 'DeleteMessageBatch'
  | 'ChangeMessageVisibilityBatch'
  | 'SendMessage'
  | 'GetQueueUrl'
  | 'GetQueueAttributes';

/** `AmazonSQS.<action>`: the `X-Amz-Target` header of each action, made once. */
export const TARGETS: Readonly<Record<SqsAction, string>> = {
  ReceiveMessage: 'AmazonSQS.ReceiveMessage',
  DeleteMessageBatch: 'AmazonSQS.DeleteMessageBatch',
  ChangeMessageVisibilityBatch: 'AmazonSQS.ChangeMessageVisibilityBatch',
  SendMessage: 'AmazonSQS.SendMessage',
  GetQueueUrl: 'AmazonSQS.GetQueueUrl',
  GetQueueAttributes: 'AmazonSQS.GetQueueAttributes',
};

type ServiceExceptionClass = new (options: {
  readonly message: string;
  readonly $metadata: SqsResponseMetadata;
}) => SQSServiceException;

/** The SDK's modeled SQS errors, by shape name (the part of `__type` after `#`). */
const MODELED_ERRORS: ReadonlyMap<string, ServiceExceptionClass> = new Map<string, ServiceExceptionClass>([
  ['BatchEntryIdsNotDistinct', BatchEntryIdsNotDistinct],
  ['BatchRequestTooLong', BatchRequestTooLong],
  ['EmptyBatchRequest', EmptyBatchRequest],
  ['InvalidAddress', InvalidAddress],
  ['InvalidAttributeName', InvalidAttributeName],
  ['InvalidAttributeValue', InvalidAttributeValue],
  ['InvalidBatchEntryId', InvalidBatchEntryId],
  ['InvalidIdFormat', InvalidIdFormat],
  ['InvalidMessageContents', InvalidMessageContents],
  ['InvalidSecurity', InvalidSecurity],
  ['KmsAccessDenied', KmsAccessDenied],
  ['KmsDisabled', KmsDisabled],
  ['KmsInvalidKeyUsage', KmsInvalidKeyUsage],
  ['KmsInvalidState', KmsInvalidState],
  ['KmsNotFound', KmsNotFound],
  ['KmsOptInRequired', KmsOptInRequired],
  ['KmsThrottled', KmsThrottled],
  ['MessageNotInflight', MessageNotInflight],
  ['OverLimit', OverLimit],
  ['PurgeQueueInProgress', PurgeQueueInProgress],
  ['QueueDeletedRecently', QueueDeletedRecently],
  ['QueueDoesNotExist', QueueDoesNotExist],
  ['QueueNameExists', QueueNameExists],
  ['ReceiptHandleIsInvalid', ReceiptHandleIsInvalid],
  ['RequestThrottled', RequestThrottled],
  ['ResourceNotFoundException', ResourceNotFoundException],
  ['TooManyEntriesInBatchRequest', TooManyEntriesInBatchRequest],
  ['UnsupportedOperation', UnsupportedOperation],
]);

/** The `$metadata` the SDK puts on its errors. */
export interface SqsResponseMetadata {
  readonly httpStatusCode: number;
  readonly requestId?: string;
  readonly attempts: number;
  readonly totalRetryDelay: number;
}

/** What an error response carried, besides its body. */
export interface ErrorResponseHead {
  /** The HTTP status. */
  readonly status: number;
  /** `x-amzn-query-error`: the query-protocol code and fault, `AWS.SimpleQueueService.NonExistentQueue;Sender`. */
  readonly queryError?: string | undefined;
  /** `x-amzn-errortype`, when the server sent it. */
  readonly errorType?: string | undefined;
  /** `x-amzn-requestid`. */
  readonly requestId?: string | undefined;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Base64 text to bytes, as the SDK decodes JSON blobs: a plain Uint8Array (not a Buffer). */
function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Message attributes with their blobs as base64 text, the JSON protocol's encoding. */
function encodeMessageAttributes(
  attributes: Record<string, MessageAttributeValue>,
): Record<string, Record<string, unknown>> {
  const encoded: Record<string, Record<string, unknown>> = {};
  for (const name in attributes) {
    const value = attributes[name] as MessageAttributeValue;
    const copy: Record<string, unknown> = { ...value };
    if (value.BinaryValue !== undefined) copy.BinaryValue = toBase64(value.BinaryValue);
    if (value.BinaryListValues !== undefined) copy.BinaryListValues = value.BinaryListValues.map(toBase64);
    encoded[name] = copy;
  }
  return encoded;
}

/**
 * The JSON body of a request. Only `SendMessage` carries blobs (binary message attributes), sent as
 * base64 text; everything else is plain JSON, `undefined` fields left out as the SDK leaves them out.
 */
export function encodeRequest(action: SqsAction, input: object): string {
  if (action === 'SendMessage') {
    const send = input as SendMessageRequest;
    const encoded: Record<string, unknown> = { ...send };
    if (send.MessageAttributes !== undefined) {
      encoded.MessageAttributes = encodeMessageAttributes(send.MessageAttributes);
    }
    if (send.MessageSystemAttributes !== undefined) {
      encoded.MessageSystemAttributes = encodeMessageAttributes(
        send.MessageSystemAttributes as Record<string, MessageAttributeValue>,
      );
    }
    return JSON.stringify(encoded);
  }
  return JSON.stringify(input);
}

/** Decodes the blobs of received messages' attributes in place: base64 text to Uint8Array. */
function decodeReceivedBlobs(output: { Messages?: unknown }): void {
  const messages = output.Messages;
  if (!Array.isArray(messages)) return;
  for (const message of messages as { MessageAttributes?: Record<string, Record<string, unknown>> }[]) {
    const attributes = message.MessageAttributes;
    if (attributes === undefined) continue;
    for (const name in attributes) {
      const value = attributes[name] as Record<string, unknown>;
      if (typeof value.BinaryValue === 'string') value.BinaryValue = fromBase64(value.BinaryValue);
      if (Array.isArray(value.BinaryListValues)) {
        value.BinaryListValues = value.BinaryListValues.map((item: unknown) =>
          typeof item === 'string' ? fromBase64(item) : item,
        );
      }
    }
  }
}

/**
 * Parses a successful response's body into the SDK's output shape: received messages' binary
 * attributes become `Uint8Array`s, as the SDK gives them. MD5 digests are passed through unchecked
 * (the SDK's `md5` check is not done: TLS already guards the payload).
 *
 * @throws {SQSServiceException} `InvalidResponse` (a server fault, retryable) when the body is not a
 * JSON object.
 */
export function decodeResponse<Output>(action: SqsAction, status: number, text: string): Output {
  if (text.length === 0) return {} as Output;
  let output: unknown;
  try {
    output = JSON.parse(text);
  } catch {
    output = undefined;
  }
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    throw invalidResponse(status, `${action} returned a body that is not a JSON object: ${preview(text)}`);
  }
  if (action === 'ReceiveMessage') decodeReceivedBlobs(output as { Messages?: unknown });
  return output as Output;
}

function invalidResponse(status: number, message: string): SQSServiceException {
  return new SQSServiceException({
    name: 'InvalidResponse',
    $fault: 'server',
    $metadata: metadataOf({ status }),
    message,
  });
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function metadataOf(head: ErrorResponseHead): SqsResponseMetadata {
  return head.requestId === undefined
    ? { httpStatusCode: head.status, attempts: 1, totalRetryDelay: 0 }
    : { httpStatusCode: head.status, requestId: head.requestId, attempts: 1, totalRetryDelay: 0 };
}

/** An error code as the SDK cleans it: `com.amazonaws.sqs#QueueDoesNotExist:http://...` → `QueueDoesNotExist`. */
function sanitizeErrorCode(raw: string): string {
  let code = raw;
  if (code.includes(',')) code = code.slice(0, code.indexOf(','));
  if (code.includes(':')) code = code.slice(0, code.indexOf(':'));
  if (code.includes('#')) code = code.slice(code.indexOf('#') + 1);
  return code;
}

/**
 * The error the AWS SDK v3 throws for an SQS error response: the SDK's own exception class for a
 * modeled error (`QueueDoesNotExist`, `RequestThrottled`, ...), else an `SQSServiceException` named by
 * the error's code; with `Code` and `Type` from the `x-amzn-query-error` header (the query protocol's
 * code, `AWS.SimpleQueueService.NonExistentQueue`), `$fault` (`client` below HTTP 500, else `server`)
 * and `$metadata.httpStatusCode`. A body that is not JSON (a proxy's HTML page) gives an
 * `SQSServiceException` named `Unknown` whose message tells the status and the start of the body (the
 * SDK throws a bare deserialization `SyntaxError` there); it is classified alike, by its status.
 */
export function toServiceError(head: ErrorResponseHead, text: string): SQSServiceException {
  let data: Record<string, unknown> = {};
  let isJson = text.length === 0;
  try {
    const parsed: unknown = JSON.parse(text);
    isJson = true;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      data = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON (a proxy's page): the SDK throws a bare SyntaxError; this error tells the status instead.
  }
  const [queryCode, queryType] =
    head.queryError === undefined ? [undefined, undefined] : head.queryError.split(';', 2);
  const shape = typeof data.__type === 'string' ? sanitizeErrorCode(data.__type) : undefined;
  const given = data.message ?? data.Message;
  const message =
    typeof given === 'string' && given.length > 0
      ? given
      : isJson
        ? 'UnknownError'
        : `HTTP ${head.status}: ${preview(text)}`;
  const $metadata = metadataOf(head);
  const Modeled = shape === undefined ? undefined : MODELED_ERRORS.get(shape);
  let error: SQSServiceException;
  if (Modeled !== undefined) {
    error = new Modeled({ message, $metadata });
  } else {
    const name =
      (queryCode !== undefined && queryCode.length > 0 ? queryCode : undefined) ??
      (head.errorType === undefined ? undefined : sanitizeErrorCode(head.errorType)) ??
      shape ??
      'Unknown';
    error = new SQSServiceException({
      name,
      $fault: head.status >= 500 ? 'server' : 'client',
      $metadata,
      message,
    });
  }
  if (queryCode !== undefined && queryCode.length > 0) {
    const fields = error as unknown as Record<string, unknown>;
    fields.Code = queryCode;
    fields.Type = queryType;
    fields.Error = { Code: queryCode, Type: queryType, Message: message };
  }
  return error;
}
