import { TranslationError } from '../core/errors.js';
import type { InboundMessage, MessageMetadata } from '../core/message.js';
import { baseMetadata } from '../core/message.js';
import type { SyncMessageTranslator, TranslatedMessage } from '../core/translator.js';

/**
 * Why `JSON.parse` failed, without quoting the body (bodies are never logged above debug). V8 puts a
 * snippet of the input in some of its messages; only the kind of problem and position are kept.
 */
export function describeJsonError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(text)?.[1];
  let kind = 'invalid JSON';
  if (/Unexpected end/i.test(text)) kind = 'unexpected end of input';
  else if (/Unexpected token|Unexpected non-whitespace/i.test(text)) kind = 'unexpected token';
  else if (/Unterminated string/i.test(text)) kind = 'unterminated string';
  else if (/Bad control character/i.test(text)) kind = 'bad control character in string';
  else if (/Bad escaped character|Bad Unicode escape/i.test(text)) kind = 'bad escape in string';
  else if (/Expected/i.test(text)) kind = 'malformed structure';
  return position === undefined ? kind : `${kind} at position ${position}`;
}

/**
 * Parses `text` as JSON, or throws a {@link TranslationError} that says why (empty, or not JSON)
 * without quoting it.
 *
 * @param what - names the text in the error: `message body`, `SNS Message`.
 */
export function parseJson(text: string, what: string): unknown {
  if (text.trim().length === 0) {
    throw new TranslationError('LOAFER_ERR_TRANSLATION_EMPTY_BODY', `${what} is empty`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TranslationError(
      'LOAFER_ERR_TRANSLATION_NOT_JSON',
      `${what} is not valid JSON (${describeJsonError(error)}; ${text.length} characters)`,
    );
  }
}

/**
 * The JSON translator (loafer's SQS message translator): content is the message body parsed as JSON.
 * An empty body or one that is not JSON is a {@link TranslationError}.
 *
 * @typeParam Content - the content type the handler expects. Unchecked: give the route a schema to
 * validate it.
 * @example
 * ```ts
 * new Route({ name: 'orders', provider, messageTranslator: jsonTranslator(), handler });
 * ```
 */
export function jsonTranslator<Content = unknown>(): SyncMessageTranslator<Content, MessageMetadata> {
  return {
    translate(message: InboundMessage): TranslatedMessage<Content, MessageMetadata> {
      return { content: parseJson(message.body, 'message body') as Content, metadata: baseMetadata(message) };
    },
  };
}
