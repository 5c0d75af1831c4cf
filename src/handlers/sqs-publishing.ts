// Everything loafer/sqs exports for publishing to SQS queues, gathered in one place: the standalone
// publisher, the forward handler, and the publishing types shared with loafer/sns.

export type {
  PublishCallOptions,
  PublishRetryOptions,
  ResolvedPublishRetryOptions,
} from './publish-engine.js';
export { resolvePublishRetryOptions } from './publish-engine.js';
export type { PublishErrorCode, PublishFailure, PublishResult } from './publish-error.js';
export { isPublishError, PublishError } from './publish-error.js';
export type { FromMessage, PublishHandlerFields, PublishingHandler } from './publish-handler.js';
export type {
  MessageEncoder,
  MessageEncoderOption,
  PublishAttributes,
  PublishAttributeValue,
  PublishMessageFields,
} from './publish-message.js';
export type {
  ResolvedSqsForwardHandlerOptions,
  SqsForwardHandler,
  SqsForwardHandlerOptions,
} from './sqs-forward-handler.js';
export { resolveSqsForwardHandlerOptions, sqsForwardHandler } from './sqs-forward-handler.js';
export type {
  ResolvedSqsPublisherOptions,
  SqsMessageFields,
  SqsPublishEntry,
  SqsPublisherOptions,
  SqsPublishOptions,
} from './sqs-publisher.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  resolveSqsPublisherOptions,
  SQS_MAX_MESSAGE_BYTES,
  SqsPublisher,
} from './sqs-publisher.js';
