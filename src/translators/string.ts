import { TranslationError } from '../core/errors.js';
import type { InboundMessage, MessageMetadata } from '../core/message.js';
import { baseMetadata } from '../core/message.js';
import type { SyncMessageTranslator, TranslatedMessage } from '../core/translator.js';
import { checkBoolean, checkObject } from '../core/validate.js';

/** Options of {@link stringTranslator}. */
export interface StringTranslatorOptions {
  /**
   * Whether an empty body is a translation error.
   *
   * @defaultValue false
   */
  readonly isEmptyRejected?: boolean;
}

/**
 * The string translator: content is the message body as text.
 *
 * @example
 * ```ts
 * new Route({ name: 'lines', provider, messageTranslator: stringTranslator(), handler: (line) => ... });
 * ```
 */
export function stringTranslator(
  options: StringTranslatorOptions = {},
): SyncMessageTranslator<string, MessageMetadata> {
  checkObject('options', options);
  const isEmptyRejected = checkBoolean('isEmptyRejected', options.isEmptyRejected, false);
  return {
    translate(message: InboundMessage): TranslatedMessage<string, MessageMetadata> {
      if (isEmptyRejected && message.body.length === 0) {
        throw new TranslationError('LOAFER_ERR_TRANSLATION_EMPTY_BODY', 'message body is empty');
      }
      return { content: message.body, metadata: baseMetadata(message) };
    },
  };
}

/**
 * The "none" translator: content is the fetched message itself, untouched (`message.raw` holds the
 * provider's own object). For handlers that decode messages themselves.
 */
export function rawTranslator(): SyncMessageTranslator<InboundMessage, MessageMetadata> {
  return {
    translate(message: InboundMessage): TranslatedMessage<InboundMessage, MessageMetadata> {
      return { content: message, metadata: baseMetadata(message) };
    },
  };
}
