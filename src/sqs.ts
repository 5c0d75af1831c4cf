// loafer/sqs: the SQS provider (AWS SDK v3) and loafer's route helpers for SQS queues and queues
// subscribed to SNS topics.

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
