// Turns what a caller publishes (content, attributes, FIFO ids) into checked, sized batch entries.
import { checkThat, describeValue } from '../core/validate.js';
import type { PublishFailure } from './publish-error.js';
import { PublishError } from './publish-error.js';

/** Encodes a message into the text that is sent as its body. */
export type MessageEncoder<Message = unknown> = (message: Message) => string;

/**
 * How messages are encoded: `'json'` (`JSON.stringify`), a function of yours, or `'none'`/`false` to
 * send strings as they are (any other value is then an error).
 */
export type MessageEncoderOption<Message = unknown> = 'json' | 'none' | false | MessageEncoder<Message>;

/**
 * A message attribute value: a string (`String`), a number (`Number`), bytes (`Binary`), or an explicit
 * `{ dataType, value }` for custom types (`Number.float`, `Binary.png`) and SNS's `String.Array`. The
 * typed attributes loafer gives handlers (`context.metadata.attributes`) have this shape, so they can
 * be forwarded as they are.
 */
export type PublishAttributeValue =
  | string
  | number
  | Uint8Array
  | {
      /** `String`, `Number`, `Binary`, `String.Array`, or a custom type such as `Number.float`. */
      readonly dataType: string;
      /** The value: bytes for binary types, a list for `String.Array`, else a string or a number. */
      readonly value: string | number | Uint8Array | readonly unknown[];
      /** The exact text of a number, kept as is when present. */
      readonly text?: string;
      /** A custom type suffix, appended to `dataType` after a dot when `dataType` has none. */
      readonly customType?: string;
    };

/** Message attributes by name. */
export type PublishAttributes = Readonly<Record<string, PublishAttributeValue>>;

/** An attribute in the wire shape SQS and SNS share. */
export interface WireAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** Per-message fields common to SQS and SNS. */
export interface PublishMessageFields {
  /** Message attributes (at most 10 for SQS). */
  readonly attributes?: PublishAttributes;
  /** The FIFO message group; required by FIFO queues and topics. */
  readonly groupId?: string;
  /**
   * The FIFO deduplication id: a second message with the same id within 5 minutes is accepted but
   * not delivered. Needed by FIFO targets without content-based deduplication.
   */
  readonly deduplicationId?: string;
}

/** What a caller gives for one message, once the target-specific fields are added. */
export interface RawEntry<Message> extends PublishMessageFields {
  readonly message: Message;
  readonly delaySeconds?: number;
  readonly subject?: string;
}

/** A message checked, encoded and sized, ready for a batch. */
export interface PreparedEntry {
  /** Position in the caller's list. */
  readonly index: number;
  /** The generated batch entry id: `msg-<index>` (alphanumeric and hyphen, unique in a call). */
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, WireAttribute> | undefined;
  /** Body and attributes (names, types and values) in bytes, counted as AWS counts them. */
  readonly sizeBytes: number;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly delaySeconds: number | undefined;
  readonly subject: string | undefined;
}

/** Limits and rules of one target, for {@link prepareEntries}. */
export interface EntryRules {
  /** The largest message, body and attributes, in bytes. */
  readonly maxMessageBytes: number;
  /** The most attributes per message (10 for SQS), or undefined for no limit. */
  readonly maxAttributes: number | undefined;
  /** Whether the target is FIFO (a group id is then required). */
  readonly isFifo: boolean;
  /** The target, for messages: `queue orders`, `topic arn:...`. */
  readonly target: string;
}

/**
 * Validates an `encoder` option and returns the encoding function.
 *
 * @throws {ConfigurationError} when the option is none of the accepted forms.
 */
export function resolveEncoder<Message>(option: unknown): (message: Message) => string {
  if (option === undefined || option === 'json') return encodeJson;
  if (option === 'none' || option === false) return encodeNone;
  checkThat(typeof option === 'function', 'encoder', "`'json'`, `'none'`, `false` or a function", option);
  return option as (message: Message) => string;
}

function encodeJson(message: unknown): string {
  const text = JSON.stringify(message);
  if (typeof text !== 'string') {
    throw new TypeError(`the JSON encoder cannot encode ${describeValue(message)}`);
  }
  return text;
}

function encodeNone(message: unknown): string {
  if (typeof message !== 'string') {
    throw new TypeError(`encoder \`none\` sends strings only, got ${describeValue(message)}`);
  }
  return message;
}

/** Valid SQS/SNS attribute names: 1–256 of `A-Za-z0-9_-.`, no `..`, no leading/trailing dot. */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_-](?:[A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-])?$/;
const RESERVED_PREFIX = /^(aws|amazon)\./i;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]{1,200})?$/;
/** FIFO group and deduplication ids: 1–128 of alphanumerics and ASCII punctuation. */
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Converts one attribute to the wire shape, or returns why it is invalid. */
export function toWireAttribute(name: string, value: PublishAttributeValue): WireAttribute | string {
  if (!ATTRIBUTE_NAME.test(name) || name.includes('..') || RESERVED_PREFIX.test(name)) {
    return `attribute name ${describeValue(name)} is invalid (1-256 of A-Z a-z 0-9 _ - ., no "..", no leading or trailing dot, not starting with "AWS." or "Amazon.")`;
  }
  if (typeof value === 'string') {
    return value.length === 0
      ? `attribute \`${name}\` is an empty string`
      : { DataType: 'String', StringValue: value };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { DataType: 'Number', StringValue: String(value) }
      : `attribute \`${name}\` is not a finite number: ${describeValue(value)}`;
  }
  if (value instanceof Uint8Array) {
    return value.byteLength === 0
      ? `attribute \`${name}\` is empty bytes`
      : { DataType: 'Binary', BinaryValue: value };
  }
  if (typeof value !== 'object' || value === null || typeof value.dataType !== 'string') {
    return `attribute \`${name}\` must be a string, a finite number, bytes or { dataType, value }, got ${describeValue(value)}`;
  }
  const dataType =
    value.customType !== undefined && !value.dataType.includes('.')
      ? `${value.dataType}.${value.customType}`
      : value.dataType;
  if (dataType === 'String.Array') {
    const text = typeof value.value === 'string' ? value.value : JSON.stringify(value.value);
    return Array.isArray(value.value) || typeof value.value === 'string'
      ? { DataType: dataType, StringValue: text }
      : `attribute \`${name}\` of type String.Array needs a list, got ${describeValue(value.value)}`;
  }
  const match = DATA_TYPE.exec(dataType);
  if (match === null) {
    return `attribute \`${name}\` has an invalid data type ${describeValue(dataType)} (String, Number, Binary, optionally with a custom suffix such as Number.float, or String.Array)`;
  }
  const base = match[1];
  const raw = value.value;
  if (base === 'Binary') {
    return raw instanceof Uint8Array && raw.byteLength > 0
      ? { DataType: dataType, BinaryValue: raw }
      : `attribute \`${name}\` of type ${dataType} needs non-empty bytes, got ${describeValue(raw)}`;
  }
  if (base === 'Number') {
    if (typeof value.text === 'string' && value.text.length > 0)
      return { DataType: dataType, StringValue: value.text };
    if (typeof raw === 'number' && Number.isFinite(raw))
      return { DataType: dataType, StringValue: String(raw) };
    if (typeof raw === 'string' && raw.trim().length > 0 && Number.isFinite(Number(raw))) {
      return { DataType: dataType, StringValue: raw };
    }
    return `attribute \`${name}\` of type ${dataType} needs a finite number, got ${describeValue(raw)}`;
  }
  if (typeof raw === 'string' && raw.length > 0) return { DataType: dataType, StringValue: raw };
  if (typeof raw === 'number' && Number.isFinite(raw))
    return { DataType: dataType, StringValue: String(raw) };
  return `attribute \`${name}\` of type ${dataType} needs a non-empty string, got ${describeValue(raw)}`;
}

/** The size AWS counts for an attribute: its name, data type and value, in bytes. */
export function wireAttributeBytes(name: string, attribute: WireAttribute): number {
  return (
    byteLength(name) +
    byteLength(attribute.DataType) +
    (attribute.StringValue === undefined ? 0 : byteLength(attribute.StringValue)) +
    (attribute.BinaryValue === undefined ? 0 : attribute.BinaryValue.byteLength)
  );
}

/** The batch entry id of the message at `index`. */
export function entryId(index: number): string {
  return `msg-${index}`;
}

function invalid(index: number, code: string, message: string): PublishFailure {
  return { index, id: entryId(index), code, message, isSenderFault: true, attempts: 0 };
}

function prepareOne<Message>(
  entry: RawEntry<Message>,
  index: number,
  encode: (message: Message) => string,
  rules: EntryRules,
): PreparedEntry | PublishFailure {
  if (typeof entry !== 'object' || entry === null) {
    return invalid(
      index,
      'InvalidMessage',
      `entry must be an object with \`message\`, got ${describeValue(entry)}`,
    );
  }
  let body: string;
  try {
    body = encode(entry.message);
  } catch (error) {
    return invalid(
      index,
      'InvalidMessage',
      `encoding failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof body !== 'string') {
    return invalid(index, 'InvalidMessage', `the encoder returned ${describeValue(body)}, not a string`);
  }
  if (body.length === 0) return invalid(index, 'InvalidMessage', 'the message body is empty');
  let sizeBytes = byteLength(body);
  let attributes: Record<string, WireAttribute> | undefined;
  const given = entry.attributes ?? {};
  if (typeof given !== 'object' || given === null) {
    return invalid(index, 'InvalidAttribute', `attributes must be an object, got ${describeValue(given)}`);
  }
  const names = Object.keys(given);
  if (rules.maxAttributes !== undefined && names.length > rules.maxAttributes) {
    return invalid(
      index,
      'InvalidAttribute',
      `${names.length} attributes; at most ${rules.maxAttributes} are allowed per message`,
    );
  }
  for (const name of names) {
    const wire = toWireAttribute(name, given[name] as PublishAttributeValue);
    if (typeof wire === 'string') return invalid(index, 'InvalidAttribute', wire);
    attributes ??= {};
    attributes[name] = wire;
    sizeBytes += wireAttributeBytes(name, wire);
  }
  if (sizeBytes > rules.maxMessageBytes) {
    return invalid(
      index,
      'MessageTooLarge',
      `message is ${sizeBytes} bytes (body and attributes); ${rules.target} accepts at most ${rules.maxMessageBytes}`,
    );
  }
  for (const key of ['groupId', 'deduplicationId'] as const) {
    const value = entry[key];
    if (value !== undefined && (typeof value !== 'string' || !FIFO_ID.test(value))) {
      return invalid(
        index,
        'InvalidMessage',
        `\`${key}\` must be 1-128 alphanumeric or punctuation characters, got ${describeValue(value)}`,
      );
    }
  }
  if (rules.isFifo && entry.groupId === undefined) {
    return invalid(index, 'InvalidMessage', `${rules.target} is FIFO: every message needs a \`groupId\``);
  }
  const { delaySeconds, subject } = entry;
  if (
    delaySeconds !== undefined &&
    (typeof delaySeconds !== 'number' ||
      !Number.isInteger(delaySeconds) ||
      delaySeconds < 0 ||
      delaySeconds > 900)
  ) {
    return invalid(
      index,
      'InvalidMessage',
      `\`delaySeconds\` must be an integer between 0 and 900, got ${describeValue(delaySeconds)}`,
    );
  }
  if (
    subject !== undefined &&
    (typeof subject !== 'string' || subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))
  ) {
    return invalid(
      index,
      'InvalidMessage',
      `\`subject\` must be 1-100 characters without line breaks, got ${describeValue(subject)}`,
    );
  }
  return {
    index,
    id: entryId(index),
    body,
    attributes,
    sizeBytes,
    groupId: entry.groupId,
    deduplicationId: entry.deduplicationId,
    delaySeconds,
    subject,
  };
}

/**
 * Encodes and checks every entry; all of them or none: a single bad entry throws before anything is
 * sent.
 *
 * @throws {PublishError} `LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE` when a message is over the limit, or
 * `LOAFER_ERR_PUBLISH_INVALID_MESSAGE` when one cannot be encoded or has invalid fields.
 */
export function prepareEntries<Message>(
  entries: readonly RawEntry<Message>[],
  encode: (message: Message) => string,
  rules: EntryRules,
): PreparedEntry[] {
  const prepared: PreparedEntry[] = [];
  const failures: PublishFailure[] = [];
  entries.forEach((entry, index) => {
    const result = prepareOne(entry, index, encode, rules);
    if ('body' in result) prepared.push(result);
    else failures.push(result);
  });
  if (failures.length === 0) return prepared;
  const isOnlyTooLarge = failures.every((failure) => failure.code === 'MessageTooLarge');
  const first = failures[0] as PublishFailure;
  const summary =
    failures.length === 1 && entries.length === 1
      ? first.message
      : `${failures.length} of ${entries.length} messages are invalid, nothing was sent; first: #${first.index}: ${first.message}`;
  throw new PublishError(
    isOnlyTooLarge ? 'LOAFER_ERR_PUBLISH_MESSAGE_TOO_LARGE' : 'LOAFER_ERR_PUBLISH_INVALID_MESSAGE',
    summary,
    { failures },
  );
}

/**
 * Splits prepared entries into batches of at most `maxEntries` entries and `maxBatchBytes` bytes in
 * total, keeping their order. Every entry must fit alone (checked by {@link prepareEntries}).
 */
export function splitIntoBatches(
  entries: readonly PreparedEntry[],
  maxEntries: number,
  maxBatchBytes: number,
): PreparedEntry[][] {
  const batches: PreparedEntry[][] = [];
  let current: PreparedEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    if (
      current.length > 0 &&
      (current.length >= maxEntries || currentBytes + entry.sizeBytes > maxBatchBytes)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += entry.sizeBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
