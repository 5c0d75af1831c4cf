// The forward/publish handlers end to end: a Manager route reads from an in-memory source and its
// handler publishes to fauxqs with the real SDK; the source message is deleted only after the target
// has the message.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ErrorContext, jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { isPublishError, snsPublishHandler } from 'loafer/sns';
import { sqsForwardHandler } from 'loafer/sqs';
import { MemoryProvider } from 'loafer/testing';
import { type LocalAws, receiveAll, startLocalAws } from '../support/fauxqs.js';

let aws: LocalAws;

before(async () => {
  aws = await startLocalAws();
});

after(async () => {
  await aws.stop();
});

/**
 * A client middleware that, when a publish command's response arrives, records whether the source
 * message was already deleted at that moment.
 */
function watchDeletion(
  client: SQSClient | SNSClient,
  commandName: string,
  provider: MemoryProvider,
  id: string,
): boolean[] {
  const deletedAtResponse: boolean[] = [];
  // The two clients' stacks differ only in their input and output types; the middleware reads neither.
  (client as SQSClient).middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      if (context.commandName === commandName) deletedAtResponse.push(provider.isDeleted(id));
      return output;
    },
    { step: 'initialize', name: 'watchDeletion' },
  );
  return deletedAtResponse;
}

// biome-ignore lint/suspicious/noExplicitAny: routes of any handler type run in these tests.
async function runOnce(provider: MemoryProvider, handler: any, errors: unknown[] = []): Promise<void> {
  const route = new Route({
    name: 'forward',
    provider,
    messageTranslator: jsonTranslator(),
    handler,
    errorHandler: (error: unknown, _context: ErrorContext) => {
      errors.push(error);
      return false;
    },
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce();
}

describe('sqsForwardHandler() against fauxqs', () => {
  it('forwards the message to the queue, then deletes the source message', async () => {
    const target = await aws.createQueue('forward-target');
    const provider = new MemoryProvider();
    const id = provider.send(
      { id: 'test-1', username: 'georgeyk', github_url: '' },
      { attributes: { origin: 'web' } },
    );
    const client = new SQSClient(aws.clientOptions);
    const deletedAtResponse = watchDeletion(client, 'SendMessageCommand', provider, id);
    const handler = sqsForwardHandler({
      queue: target.name,
      client,
      logger: silentLogger,
      attributes: (_content, context) => context.metadata.attributes,
    });

    await runOnce(provider, handler);

    const [message] = await receiveAll(aws, target.url, 1);
    assert.deepEqual(JSON.parse(message?.Body ?? ''), { id: 'test-1', username: 'georgeyk', github_url: '' });
    assert.equal(message?.MessageAttributes?.origin?.StringValue, 'web');
    assert.deepEqual(deletedAtResponse, [false]);
    assert.equal(provider.isDeleted(id), true);
    client.destroy();
  });

  it('forwards to a FIFO queue in the source’s group, deduplicated by the source message id', async () => {
    const target = await aws.createQueue('forward-target.fifo');
    const provider = new MemoryProvider({ isFifo: true });
    const id = provider.send({ n: 1 }, { groupId: 'customer-7' });
    const handler = sqsForwardHandler({ queue: target.url, client: aws.sqs, logger: silentLogger });

    await runOnce(provider, handler);

    const [message] = await receiveAll(aws, target.url, 1);
    assert.equal(message?.Attributes?.MessageGroupId, 'customer-7');
    assert.equal(message?.Attributes?.MessageDeduplicationId, id);
    assert.equal(provider.isDeleted(id), true);
  });

  it('keeps the source message when the target queue does not exist', async () => {
    const provider = new MemoryProvider();
    const id = provider.send({ n: 1 });
    const errors: unknown[] = [];
    const handler = sqsForwardHandler({
      queue: `missing-${randomUUID()}`,
      client: aws.sqs,
      logger: silentLogger,
    });

    await runOnce(provider, handler, errors);

    assert.equal(provider.isDeleted(id), false);
    assert.ok(isPublishError(errors[0]));
    assert.equal(errors[0].code, 'LOAFER_ERR_PUBLISH_TARGET_NOT_FOUND');
  });

  it('keeps the source message when SQS refuses the forwarded one', async () => {
    const target = await aws.createQueue('forward-small', { MaximumMessageSize: '1024' });
    const provider = new MemoryProvider();
    const id = provider.send({ text: 'x'.repeat(2000) });
    const errors: unknown[] = [];

    await runOnce(
      provider,
      sqsForwardHandler({ queue: target.url, client: aws.sqs, logger: silentLogger }),
      errors,
    );

    assert.equal(provider.isDeleted(id), false);
    assert.ok(isPublishError(errors[0]));
    assert.equal(errors[0].failures[0]?.code, 'InvalidParameterValue');
  });
});

describe('snsPublishHandler() against fauxqs', () => {
  it('publishes the message to the topic; the subscribed queue receives it; then the source is deleted', async () => {
    const topicName = `publish-handler-${randomUUID().slice(0, 8)}`;
    const { TopicArn } = await aws.sns.send(new CreateTopicCommand({ Name: topicName }));
    const subscriber = await aws.createQueue('publish-handler-subscriber');
    await aws.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: subscriber.arn }));
    const provider = new MemoryProvider();
    const id = provider.send({ id: 'test-1', username: 'georgeyk' });
    const client = new SNSClient(aws.clientOptions);
    const deletedAtResponse = watchDeletion(client, 'PublishCommand', provider, id);
    const handler = snsPublishHandler<{ id: string; username: string }>({
      topic: topicName,
      client,
      logger: silentLogger,
      transform: (content) => ({ ...content, github_url: '' }),
      subject: 'friend-created',
    });

    await runOnce(provider, handler);

    const [message] = await receiveAll(aws, subscriber.url, 1);
    const envelope = JSON.parse(message?.Body ?? '');
    assert.equal(envelope.TopicArn, TopicArn);
    assert.equal(envelope.Subject, 'friend-created');
    assert.deepEqual(JSON.parse(envelope.Message), { id: 'test-1', username: 'georgeyk', github_url: '' });
    assert.deepEqual(deletedAtResponse, [false]);
    assert.equal(provider.isDeleted(id), true);
    client.destroy();
  });

  it('stops the publisher it created when the manager stops', async () => {
    const { TopicArn } = await aws.sns.send(
      new CreateTopicCommand({ Name: `stop-${randomUUID().slice(0, 8)}` }),
    );
    const provider = new MemoryProvider();
    provider.send({ n: 1 });
    const handler = snsPublishHandler({
      topic: TopicArn as string,
      ...aws.clientOptions,
      logger: silentLogger,
    });

    await runOnce(provider, handler);

    await assert.rejects(handler.publisher.publish({ n: 2 }), (error: unknown) => {
      assert.ok(isPublishError(error));
      assert.equal(error.failures[0]?.code, 'PublisherStopped');
      return true;
    });
  });
});
