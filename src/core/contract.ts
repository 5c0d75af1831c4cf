import type { Decision, Delivery } from './delivery.js';
import { decide, isThenable } from './delivery.js';
import { HandlerTimeoutError, isDeleteMessage, isTranslationError, TranslationError } from './errors.js';
import type { EventHub } from './events.js';
import type { HandlerResult } from './handler.js';
import type { Logger } from './logger.js';
import type { Route } from './route.js';
import type { TranslatedMessage } from './translator.js';

/** A translator's failure, as the typed error the error handler receives. */
function asTranslationError(error: unknown): TranslationError {
  if (isTranslationError(error)) return error;
  return new TranslationError('LOAFER_ERR_TRANSLATION_FAILED', 'message translator failed', { cause: error });
}

/**
 * Applies the ack contract to one delivery: translate, call the handler, and on failure ask the error
 * handler. Returns what happens to the message — synchronously when everything was synchronous, so
 * that sync handlers cost no promise. Never throws.
 */
export class ContractProcessor {
  readonly #route: Route<unknown, unknown>;
  readonly #logger: Logger;
  readonly #events: EventHub;
  #isDeadLetterEnabled = false;

  constructor(route: Route<unknown, unknown>, logger: Logger, events: EventHub) {
    this.#route = route;
    this.#logger = logger;
    this.#events = events;
  }

  /** Sends untranslatable messages to the dead-letter queue instead of the error handler. */
  enableDeadLetter(): void {
    this.#isDeadLetterEnabled = true;
  }

  /** Translates and handles one message; returns (or resolves to) what happens to it. */
  process(delivery: Delivery): Decision | PromiseLike<Decision> {
    let translated: TranslatedMessage<unknown, unknown> | PromiseLike<TranslatedMessage<unknown, unknown>>;
    try {
      translated = this.#route.options.messageTranslator.translate(delivery.message);
    } catch (error) {
      return this.#onTranslationError(delivery, error);
    }
    if (isThenable(translated)) {
      return Promise.resolve(translated).then(
        (value) => this.#invoke(delivery, value),
        (error: unknown) => this.#onTranslationError(delivery, error),
      );
    }
    return this.#invoke(delivery, translated);
  }

  /** Reports a failure and asks the error handler what to do with the message. */
  fail(delivery: Delivery, error: unknown): Decision | PromiseLike<Decision> {
    this.#logger.error(
      { err: error, messageId: delivery.message.id, receiveCount: delivery.receiveCount },
      delivery.isTranslated ? 'handler failed' : 'message could not be translated',
    );
    if (isTranslationError(error) && error.issues.length > 0) {
      // The validators' own words may quote the body: debug only.
      this.#logger.debug({ messageId: delivery.message.id, issues: error.issues }, 'schema issues');
    }
    this.#events.emit('messageFailed', { route: this.#route.name, message: delivery.message, error });
    let result: HandlerResult | PromiseLike<HandlerResult>;
    try {
      result = this.#route.options.errorHandler(error, delivery.errorContext());
    } catch (handlerError) {
      return this.#onErrorHandlerThrew(delivery, handlerError);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(decide, (handlerError: unknown) =>
        this.#onErrorHandlerThrew(delivery, handlerError),
      );
    }
    return decide(result);
  }

  #onTranslationError(delivery: Delivery, error: unknown): Decision | PromiseLike<Decision> {
    const translationError = asTranslationError(error);
    if (!this.#isDeadLetterEnabled) return this.fail(delivery, translationError);
    this.#logger.warn(
      { err: translationError, messageId: delivery.message.id, code: translationError.code },
      'message cannot be translated: moving it to the dead-letter queue',
    );
    this.#events.emit('messageFailed', {
      route: this.#route.name,
      message: delivery.message,
      error: translationError,
    });
    delivery.failure = translationError;
    return 'dead-letter';
  }

  #invoke(
    delivery: Delivery,
    translated: TranslatedMessage<unknown, unknown>,
  ): Decision | PromiseLike<Decision> {
    delivery.content = translated.content;
    delivery.metadata = translated.metadata;
    delivery.isTranslated = true;
    let result: HandlerResult | PromiseLike<HandlerResult>;
    try {
      result = this.#route.handle(translated.content, delivery);
    } catch (error) {
      return this.#onHandlerError(delivery, error);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.#onHandlerResult(delivery, value),
        (error: unknown) => this.#onHandlerError(delivery, error),
      );
    }
    return this.#onHandlerResult(delivery, result);
  }

  #timeoutError(): HandlerTimeoutError {
    return new HandlerTimeoutError(this.#route.options.handlerTimeoutMs ?? 0);
  }

  #onHandlerResult(delivery: Delivery, result: unknown): Decision | PromiseLike<Decision> {
    // A result that arrives after the timeout fired is a timeout: the message is not deleted.
    if (delivery.isTimedOut) return this.fail(delivery, this.#timeoutError());
    return decide(result);
  }

  #onHandlerError(delivery: Delivery, error: unknown): Decision | PromiseLike<Decision> {
    if (delivery.isTimedOut) return this.fail(delivery, this.#timeoutError());
    if (isDeleteMessage(error)) {
      this.#logger.info(
        { messageId: delivery.message.id, reason: error.message },
        'handler asked to delete the message',
      );
      return 'delete';
    }
    return this.fail(delivery, error);
  }

  #onErrorHandlerThrew(delivery: Delivery, error: unknown): Decision {
    if (isDeleteMessage(error)) return 'delete';
    this.#logger.error({ err: error, messageId: delivery.message.id }, 'error handler threw: message kept');
    return 'keep';
  }
}
