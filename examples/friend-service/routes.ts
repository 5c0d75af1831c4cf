// The tutorial's routes: one SNS-queue route on `foobar-friend-created`. The SNS envelope translator
// unwraps what SNS put in the queue; the zod schema validates the event and types the handler's input.
import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import type { Logger, Route, SnsMetadata } from 'loafer';
import { snsQueueRoute } from 'loafer/sqs';
import { z } from 'zod';
import type { FriendCreatedHandlerOptions } from './handlers.js';
import { FriendCreatedHandler } from './handlers.js';
import { QUEUE_NAME } from './infrastructure.js';

/** The "friend-created" event. An event that does not match never reaches the handler, and is not deleted. */
export const friendCreatedSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  github_url: z.string(),
});

/** Options of {@link createRoutes}. */
export interface FriendRoutesOptions
  extends Pick<FriendCreatedHandlerOptions, 'githubApiUrl' | 'httpbinUrl'> {
  /**
   * The handler; one is made from `githubApiUrl` and `httpbinUrl` when absent.
   *
   * @defaultValue `new FriendCreatedHandler({ githubApiUrl, httpbinUrl })`
   */
  readonly handler?: FriendCreatedHandler;
  /**
   * The queue's name or URL.
   *
   * @defaultValue 'foobar-friend-created'
   */
  readonly queue?: string;
  /**
   * The SQS endpoint, for a local server such as fauxqs.
   *
   * @defaultValue the SDK's (AWS, or `AWS_ENDPOINT_URL`)
   */
  readonly endpoint?: string;
  /**
   * The AWS region.
   *
   * @defaultValue the SDK's (`AWS_REGION`, the config file)
   */
  readonly region?: string;
  /**
   * AWS credentials.
   *
   * @defaultValue the SDK's credential chain
   */
  readonly credentials?: SQSClientConfig['credentials'];
  /**
   * An SQS client to use instead of making one.
   *
   * @defaultValue a client made from `endpoint`, `region` and `credentials`
   */
  readonly client?: SQSClient;
  /**
   * How long a receive waits for messages (long polling), in seconds.
   *
   * @defaultValue the SQS provider's default (20)
   */
  readonly waitTimeSeconds?: number;
  /**
   * Where the SQS provider logs; give it the manager's logger.
   *
   * @defaultValue pino at `info` on stdout
   */
  readonly logger?: Logger;
}

/**
 * The service's routes (the tutorial's `routes.py`): the `foobar-friend-created` queue, fed by the
 * `friend-created` topic, handled by {@link FriendCreatedHandler}.
 */
export function createRoutes(
  options: FriendRoutesOptions = {},
): Route<z.infer<typeof friendCreatedSchema>, SnsMetadata>[] {
  const handlerOptions: { -readonly [K in 'githubApiUrl' | 'httpbinUrl']?: string } = {};
  if (options.githubApiUrl !== undefined) handlerOptions.githubApiUrl = options.githubApiUrl;
  if (options.httpbinUrl !== undefined) handlerOptions.httpbinUrl = options.httpbinUrl;
  const handler = options.handler ?? new FriendCreatedHandler(handlerOptions);
  return [
    snsQueueRoute(options.queue ?? QUEUE_NAME, {
      name: 'friend-created',
      handler,
      schema: friendCreatedSchema,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      ...(options.client === undefined ? {} : { client: options.client }),
      ...(options.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: options.waitTimeSeconds }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
  ];
}
