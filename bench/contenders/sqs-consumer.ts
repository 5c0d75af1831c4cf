// sqs-consumer 14.x (its last line for Node 20), with `handleMessage` or, for the `-batch` contender,
// `handleMessageBatch`. One consumer keeps one receive of up to 10 messages in flight and waits for the
// whole batch before the next receive, so ceil(concurrency / 10) consumers share one SQSClient: how
// teams scale it.
import { SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import type { StartContender } from '../lib/contender.js';

export const start: StartContender = async ({ config, work, tracker }) => {
  const isBatch = config.contender === 'sqs-consumer-batch';
  const sqs = new SQSClient({ region: config.region, endpoint: config.endpoint });
  const count = Math.max(1, Math.ceil(config.concurrency / 10));
  const consumers = Array.from({ length: count }, () => {
    const consumer = isBatch
      ? Consumer.create({
          queueUrl: config.queueUrl,
          sqs,
          batchSize: 10,
          strictReturn: true,
          handleMessageBatch: async (messages) => {
            tracker.received(messages.length);
            await Promise.all(messages.map((message) => work(JSON.parse(message.Body ?? ''))));
            return messages;
          },
        })
      : Consumer.create({
          queueUrl: config.queueUrl,
          sqs,
          batchSize: 10,
          strictReturn: true,
          handleMessage: async (message) => {
            tracker.received();
            await work(JSON.parse(message.Body ?? ''));
            return message;
          },
        });
    consumer.on('message_processed', () => tracker.deleted());
    consumer.on('error', (error) => tracker.error(error));
    consumer.on('processing_error', (error) => tracker.error(error));
    consumer.start();
    return consumer;
  });
  return {
    async stop() {
      await Promise.all(
        consumers.map(
          (consumer) =>
            new Promise<void>((resolve) => {
              consumer.once('stopped', () => resolve());
              consumer.stop({ abort: true });
            }),
        ),
      );
      sqs.destroy();
    },
  };
};
