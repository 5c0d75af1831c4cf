// loafer/sentry: the Sentry error handler. `@sentry/node` is an optional peer dependency: pass the
// module as `sentry`, or install it and let the handler load it.

export type {
  ResolvedSentryErrorHandlerOptions,
  SentryCaptureContext,
  SentryErrorHandlerOptions,
  SentryEventData,
  SentryLike,
  SentryScopeLike,
} from './integrations/sentry-error-handler.js';
export {
  resolveSentryErrorHandlerOptions,
  sentryErrorHandler,
  sentryEventData,
} from './integrations/sentry-error-handler.js';
