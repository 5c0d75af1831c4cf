// loafer/sqs: the SQS provider (a lean AWS JSON 1.0 transport, or the AWS SDK v3), loafer's route helpers for SQS queues and queues
// subscribed to SNS topics, and publishing to SQS queues (standalone publisher, forward handler).

export type {
  FromMessage,
  MessageEncoder,
  MessageEncoderOption,
  PublishAttributes,
  PublishAttributeValue,
  PublishCallOptions,
  PublishErrorCode,
  PublishFailure,
  PublishHandlerFields,
  PublishingHandler,
  PublishMessageFields,
  PublishResult,
  PublishRetryOptions,
  ResolvedPublishRetryOptions,
  ResolvedSqsForwardHandlerOptions,
  ResolvedSqsPublisherOptions,
  SqsForwardHandler,
  SqsForwardHandlerOptions,
  SqsMessageFields,
  SqsPublishEntry,
  SqsPublisherOptions,
  SqsPublishOptions,
} from './handlers/sqs-publishing.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  isPublishError,
  PublishError,
  resolvePublishRetryOptions,
  resolveSqsForwardHandlerOptions,
  resolveSqsPublisherOptions,
  SQS_MAX_MESSAGE_BYTES,
  SqsPublisher,
  sqsForwardHandler,
} from './handlers/sqs-publishing.js';
export { AwsErrorSummary } from './providers/aws/errors.js';
export {
  isAccessDeniedError,
  isCredentialsError,
  isQueueNotFoundError,
  isRetryableEntryFailure,
  isStaleReceiptFailure,
  isThrottlingError,
  isTransientError,
  toProviderError,
} from './providers/sqs/errors.js';
export type { SqsInboundMessage } from './providers/sqs/message.js';
export { toInboundMessage, toMessageAttributes } from './providers/sqs/message.js';
export type { ResolvedSqsProviderOptions, SqsProviderOptions } from './providers/sqs/options.js';
export {
  isQueueUrl,
  MAX_BATCH_ENTRIES,
  MAX_WAIT_TIME_SECONDS,
  queueNameFromUrl,
  resolveSqsProviderOptions,
} from './providers/sqs/options.js';
export { parseRedrivePolicy, SqsProvider } from './providers/sqs/provider.js';
export type {
  SnsQueueRouteOptions,
  SqsRouteBehaviour,
  SqsRouteOptions,
  SqsRouteProviderOptions,
  SqsRouteSource,
} from './providers/sqs/routes.js';
export { snsQueueRoute, sqsRoute } from './providers/sqs/routes.js';
export type { SqsTransportName } from './providers/sqs/transport.js';
