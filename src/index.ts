// loafer: the core vocabulary (handler, message translator, provider, route, manager, error handler)
// and the translators. Providers live in their own entry points (`loafer/sqs`, `loafer/testing`).

export type { Clock, Timer } from './core/clock.js';
export { systemClock } from './core/clock.js';
export type {
  LoaferErrorCode,
  LoaferErrorOptions,
  ProviderErrorCode,
  SchemaIssue,
  TranslationErrorCode,
} from './core/errors.js';
export {
  ConfigurationError,
  DeleteMessage,
  ERROR_CODES,
  HandlerAbortedError,
  HandlerTimeoutError,
  isDeleteMessage,
  isLoaferError,
  isRetryableProviderError,
  isTranslationError,
  LoaferError,
  ProviderError,
  TranslationError,
} from './core/errors.js';
export type { LoaferEventMap, LoaferEventName, LoaferListener, MessageOutcome } from './core/events.js';
export type {
  ErrorContext,
  ErrorHandler,
  Handler,
  HandlerContext,
  HandlerFunction,
  HandlerObject,
  HandlerResult,
} from './core/handler.js';
export { keepMessageOnError } from './core/handler.js';
export type { Logger, LogMethod } from './core/logger.js';
export { createDefaultLogger, silentLogger } from './core/logger.js';
export type { ManagerHealth, ManagerOptions, ResolvedManagerOptions } from './core/manager.js';
export { Manager, resolveManagerOptions } from './core/manager.js';
export type { InboundMessage, MessageAttribute, MessageAttributes, MessageMetadata } from './core/message.js';
export { baseMetadata } from './core/message.js';
export { toMessageAttribute } from './core/message-attributes.js';
export type {
  DeadLetterOptions,
  ExtendVisibilityOptions,
  FetchOptions,
  Provider,
  ProviderInfo,
  ProviderStartOptions,
  ReleaseOptions,
} from './core/provider.js';
export { MAX_VISIBILITY_SECONDS, RetryAfter, retryAfter } from './core/retry.js';
export type {
  ExponentialRetryOptions,
  LinearRetryOptions,
  RetryDelayFunction,
  RetryPolicy,
} from './core/retry-policy.js';
export { exponentialRetry, linearRetry } from './core/retry-policy.js';
export type { ResolvedRouteOptions, RouteOptions } from './core/route.js';
export { Route, resolveRouteOptions } from './core/route.js';
export type { RouteHealth } from './core/route-runner.js';
export type { StandardSchemaV1 } from './core/standard-schema.js';
export type { MessageTranslator, SyncMessageTranslator, TranslatedMessage } from './core/translator.js';
export { jsonTranslator } from './translators/json.js';
export { isStandardSchema, withSchema } from './translators/schema.js';
export type { SnsEnvelope, SnsMetadata, SnsTranslatorOptions } from './translators/sns.js';
export { snsTranslator } from './translators/sns.js';
export type { StringTranslatorOptions } from './translators/string.js';
export { rawTranslator, stringTranslator } from './translators/string.js';
