// The tutorial's infrastructure, made with the AWS SDK instead of the aws cli: the SNS topic
// `friend-created`, the SQS queue `foobar-friend-created`, and the queue's subscription to the topic.
// Used by the demo, by server.ts and by the integration test.
import type { SNSClient } from '@aws-sdk/client-sns';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';

/** The tutorial's topic. */
export const TOPIC_NAME = 'friend-created';
/** The tutorial's queue: the service owns it; it is never shared. */
export const QUEUE_NAME = 'foobar-friend-created';

/** What {@link createFriendInfrastructure} made. */
export interface FriendInfrastructure {
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly subscriptionArn: string;
}

/** Options of {@link createFriendInfrastructure}. */
export interface FriendInfrastructureOptions {
  /**
   * The topic's name.
   *
   * @defaultValue {@link TOPIC_NAME}
   */
  readonly topicName?: string;
  /**
   * The queue's name.
   *
   * @defaultValue {@link QUEUE_NAME}
   */
  readonly queueName?: string;
}

/**
 * Creates (or finds: both calls are idempotent) the topic and the queue, and subscribes the queue to
 * the topic, as the tutorial does with `aws sns create-topic`, `aws sqs create-queue` and
 * `aws sns subscribe`.
 */
export async function createFriendInfrastructure(
  clients: { readonly sqs: SQSClient; readonly sns: SNSClient },
  options: FriendInfrastructureOptions = {},
): Promise<FriendInfrastructure> {
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: options.topicName ?? TOPIC_NAME }));
  const queue = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: options.queueName ?? QUEUE_NAME }),
  );
  const topicArn = topic.TopicArn as string;
  const queueUrl = queue.QueueUrl as string;
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn as string;
  const subscription = await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      ReturnSubscriptionArn: true,
    }),
  );
  return { topicArn, queueUrl, queueArn, subscriptionArn: subscription.SubscriptionArn as string };
}
