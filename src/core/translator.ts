import type { InboundMessage, MessageMetadata } from './message.js';

/**
 * What a message translator produces: the content the handler receives and metadata about the
 * message.
 *
 * @typeParam Content - the handler's content type.
 * @typeParam Metadata - the metadata type.
 */
export interface TranslatedMessage<Content, Metadata = MessageMetadata> {
  /** What the handler receives as its first argument. */
  readonly content: Content;
  /** Facts about the message: id, receive count, attributes, and what the translator adds. */
  readonly metadata: Metadata;
}

/**
 * A message translator: turns a fetched message into `{ content, metadata }` for the handler. A
 * message it cannot decode makes it throw a `TranslationError` (or return a promise that rejects with
 * one); that error reaches the route's error handler and the message is not deleted by default.
 *
 * @typeParam Content - the content type it produces.
 * @typeParam Metadata - the metadata type it produces.
 */
export interface MessageTranslator<Content = unknown, Metadata = MessageMetadata> {
  /**
   * Decodes one message.
   *
   * @throws {TranslationError} when the message cannot be decoded.
   */
  translate(
    message: InboundMessage,
  ): TranslatedMessage<Content, Metadata> | PromiseLike<TranslatedMessage<Content, Metadata>>;
}

/**
 * A message translator that always answers synchronously, as the built-in JSON, SNS and string
 * translators do.
 *
 * @typeParam Content - the content type it produces.
 * @typeParam Metadata - the metadata type it produces.
 */
export interface SyncMessageTranslator<Content = unknown, Metadata = MessageMetadata>
  extends MessageTranslator<Content, Metadata> {
  /**
   * Decodes one message.
   *
   * @throws {TranslationError} when the message cannot be decoded.
   */
  translate(message: InboundMessage): TranslatedMessage<Content, Metadata>;
}
