import { TranslationError } from '../core/errors.js';
import type { InboundMessage, MessageAttributes, MessageMetadata } from '../core/message.js';
import { baseMetadata } from '../core/message.js';
import { toMessageAttribute } from '../core/message-attributes.js';
import type { SyncMessageTranslator, TranslatedMessage } from '../core/translator.js';
import { checkChoice, checkObject } from '../core/validate.js';
import { parseJson } from './json.js';

/** The SNS envelope's fields, kept in metadata by {@link snsTranslator}. */
export interface SnsEnvelope {
  /** The envelope's `Type`: `Notification`. */
  readonly type: string;
  /** The topic the message was published to. */
  readonly topicArn: string;
  /** SNS's id for the published message (not the SQS message id). */
  readonly messageId: string;
  /** The `Subject` given at publish time, if any. */
  readonly subject?: string;
  /** When SNS accepted the message (ISO 8601). */
  readonly timestamp?: string;
  /** The publish-time message attributes, typed. */
  readonly messageAttributes: MessageAttributes;
}

/** Metadata of messages translated by {@link snsTranslator}. */
export interface SnsMetadata extends MessageMetadata {
  /** The envelope's fields; absent for a raw-delivery message (accepted with `rawDelivery: 'accept'`). */
  readonly sns?: SnsEnvelope;
}

/** Options of {@link snsTranslator}. */
export interface SnsTranslatorOptions {
  /**
   * How to decode the envelope's `Message`: parsed as JSON (loafer's behaviour), or kept as text.
   *
   * @defaultValue 'json'
   */
  readonly messageFormat?: 'json' | 'string';
  /**
   * What to do with a body that is not an SNS envelope: `reject` it as a translation error, or
   * `accept` it as the content itself, as a subscription with raw message delivery sends it.
   *
   * @defaultValue 'reject'
   */
  readonly rawDelivery?: 'reject' | 'accept';
}

function notEnvelope(reason: string): TranslationError {
  return new TranslationError(
    'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE',
    `message body is not an SNS envelope: ${reason}`,
  );
}

function readAttributes(value: unknown): MessageAttributes {
  if (typeof value !== 'object' || value === null) return {};
  const attributes: Record<string, ReturnType<typeof toMessageAttribute>> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const type = (entry as { Type?: unknown }).Type;
    const text = (entry as { Value?: unknown }).Value;
    if (typeof type !== 'string') continue;
    attributes[name] = toMessageAttribute(type, typeof text === 'string' ? text : String(text ?? ''));
  }
  return attributes;
}

/** Why `value` is not an SNS notification envelope, or undefined when it is one. */
function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const envelope = value as Record<string, unknown>;
  if (typeof envelope.Type !== 'string') return 'no `Type` field';
  if (envelope.Type !== 'Notification') return `\`Type\` is not \`Notification\``;
  if (typeof envelope.Message !== 'string') return '`Message` is missing or not a string';
  if (typeof envelope.TopicArn !== 'string') return '`TopicArn` is missing or not a string';
  if (typeof envelope.MessageId !== 'string') return '`MessageId` is missing or not a string';
  return undefined;
}

/**
 * The SNS translator (loafer's SNS message translator), for queues subscribed to SNS topics: content
 * is the envelope's `Message` decoded as JSON; `TopicArn`, `MessageId`, `Subject`, `Timestamp` and
 * `MessageAttributes` are kept in `metadata.sns`. A body that is not an envelope is a translation
 * error unless `rawDelivery: 'accept'`.
 *
 * @typeParam Content - the content type the handler expects (unchecked; give the route a schema).
 * @throws {ConfigurationError} when an option is invalid.
 */
export function snsTranslator<Content = unknown>(
  options: SnsTranslatorOptions = {},
): SyncMessageTranslator<Content, SnsMetadata> {
  checkObject('options', options);
  const messageFormat = checkChoice('messageFormat', options.messageFormat, ['json', 'string'], 'json');
  const rawDelivery = checkChoice('rawDelivery', options.rawDelivery, ['reject', 'accept'], 'reject');
  const decode = (text: string, what: string): unknown =>
    messageFormat === 'json' ? parseJson(text, what) : text;
  return {
    translate(message: InboundMessage): TranslatedMessage<Content, SnsMetadata> {
      let parsed: unknown;
      let parseError: TranslationError | undefined;
      try {
        parsed = parseJson(message.body, 'message body');
      } catch (error) {
        parseError = error as TranslationError;
      }
      const problem = parseError === undefined ? envelopeProblem(parsed) : 'body is not JSON';
      if (problem !== undefined) {
        if (rawDelivery === 'accept') {
          if (messageFormat === 'string')
            return { content: message.body as Content, metadata: baseMetadata(message) };
          if (parseError !== undefined) throw parseError;
          return { content: parsed as Content, metadata: baseMetadata(message) };
        }
        if (parseError !== undefined) throw parseError;
        throw notEnvelope(problem);
      }
      const envelope = parsed as Record<string, unknown>;
      const sns: {
        type: string;
        topicArn: string;
        messageId: string;
        messageAttributes: MessageAttributes;
        subject?: string;
        timestamp?: string;
      } = {
        type: envelope.Type as string,
        topicArn: envelope.TopicArn as string,
        messageId: envelope.MessageId as string,
        messageAttributes: readAttributes(envelope.MessageAttributes),
      };
      if (typeof envelope.Subject === 'string') sns.subject = envelope.Subject;
      if (typeof envelope.Timestamp === 'string') sns.timestamp = envelope.Timestamp;
      const content = decode(envelope.Message as string, 'SNS Message') as Content;
      return { content, metadata: { ...baseMetadata(message), sns } };
    },
  };
}
