// A small fake AWS client for the publishing unit tests: it records the commands the publishers send
// and answers them from a function. It tests loafer's batching and retry logic, not the SDK (the
// integration tests run the real SDK against fauxqs).
import { ListTopicsCommand, PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** The commands the publishers send, by short name. */
export type CommandName =
  | 'GetQueueUrl'
  | 'SendMessage'
  | 'SendMessageBatch'
  | 'ListTopics'
  | 'Publish'
  | 'PublishBatch';

/** One recorded call. */
export interface Call {
  readonly name: CommandName;
  // biome-ignore lint/suspicious/noExplicitAny: the SDK inputs are inspected freely in tests.
  readonly input: any;
  readonly signal: AbortSignal | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: responses are SDK output shapes, built freely in tests.
export type Responder = (call: Call, calls: readonly Call[]) => any;

function nameOf(command: unknown): CommandName {
  if (command instanceof GetQueueUrlCommand) return 'GetQueueUrl';
  if (command instanceof SendMessageBatchCommand) return 'SendMessageBatch';
  if (command instanceof SendMessageCommand) return 'SendMessage';
  if (command instanceof ListTopicsCommand) return 'ListTopics';
  if (command instanceof PublishBatchCommand) return 'PublishBatch';
  if (command instanceof PublishCommand) return 'Publish';
  throw new Error(`unexpected command ${String(command)}`);
}

/** Answers every command with success: queue URLs, message ids `id-<entry id>`. */
export const succeed: Responder = (call) => {
  switch (call.name) {
    case 'GetQueueUrl':
      return { QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${call.input.QueueName}` };
    case 'SendMessage':
    case 'Publish':
      return { MessageId: 'id-single' };
    case 'SendMessageBatch':
      return {
        Successful: call.input.Entries.map((entry: { Id: string }) => ({
          Id: entry.Id,
          MessageId: `id-${entry.Id}`,
        })),
      };
    case 'PublishBatch':
      return {
        Successful: call.input.PublishBatchRequestEntries.map((entry: { Id: string }) => ({
          Id: entry.Id,
          MessageId: `id-${entry.Id}`,
        })),
      };
    case 'ListTopics':
      return { Topics: [] };
  }
};

/** A fake SQS/SNS client. */
export class FakeClient {
  readonly calls: Call[] = [];
  isDestroyed = false;
  respond: Responder;

  constructor(respond: Responder = succeed) {
    this.respond = respond;
  }

  async send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const call: Call = {
      name: nameOf(command),
      input: structuredClone((command as { input: unknown }).input),
      signal: options?.abortSignal,
    };
    this.calls.push(call);
    return this.respond(call, this.calls);
  }

  destroy(): void {
    this.isDestroyed = true;
  }

  /** The calls of one command. */
  of(name: CommandName): Call[] {
    return this.calls.filter((call) => call.name === name);
  }

  get asSqs(): SQSClient {
    return this as unknown as SQSClient;
  }

  get asSns(): SNSClient {
    return this as unknown as SNSClient;
  }
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(
  name: string,
  options: { status?: number; fault?: 'client' | 'server'; isThrottling?: boolean } = {},
): Error {
  const error = new Error(`${name} happened`) as Error & Record<string, unknown>;
  error.name = name;
  error.$fault = options.fault ?? 'client';
  error.$metadata = { httpStatusCode: options.status ?? 400 };
  if (options.isThrottling === true) error.$retryable = { throttling: true };
  return error;
}
