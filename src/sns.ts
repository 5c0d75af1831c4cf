// loafer/sns: publishing to SNS topics — a standalone publisher and a handler that publishes what it
// receives — with the publishing types shared with loafer/sqs.

export type {
  PublishCallOptions,
  PublishRetryOptions,
  ResolvedPublishRetryOptions,
} from './handlers/publish-engine.js';
export { resolvePublishRetryOptions } from './handlers/publish-engine.js';
export type { PublishErrorCode, PublishFailure, PublishResult } from './handlers/publish-error.js';
export { isPublishError, PublishError } from './handlers/publish-error.js';
export type { FromMessage, PublishHandlerFields, PublishingHandler } from './handlers/publish-handler.js';
export type {
  MessageEncoder,
  MessageEncoderOption,
  PublishAttributes,
  PublishAttributeValue,
  PublishMessageFields,
} from './handlers/publish-message.js';
export type {
  ResolvedSnsPublishHandlerOptions,
  SnsPublishHandler,
  SnsPublishHandlerOptions,
} from './handlers/sns-publish-handler.js';
export { resolveSnsPublishHandlerOptions, snsPublishHandler } from './handlers/sns-publish-handler.js';
export type {
  ResolvedSnsPublisherOptions,
  SnsMessageFields,
  SnsPublishEntry,
  SnsPublisherOptions,
  SnsPublishOptions,
} from './handlers/sns-publisher.js';
export { resolveSnsPublisherOptions, SNS_MAX_MESSAGE_BYTES, SnsPublisher } from './handlers/sns-publisher.js';
export { AwsErrorSummary } from './providers/aws/errors.js';
