import { ConfigurationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { MessageMetadata } from '../../core/message.js';
import type { Provider } from '../../core/provider.js';
import type { RouteOptions } from '../../core/route.js';
import { Route } from '../../core/route.js';
import type { StandardSchemaV1 } from '../../core/standard-schema.js';
import type { MessageTranslator } from '../../core/translator.js';
import { checkObject, checkString, checkThat } from '../../core/validate.js';
import { jsonTranslator } from '../../translators/json.js';
import { withSchema } from '../../translators/schema.js';
import type { SnsMetadata, SnsTranslatorOptions } from '../../translators/sns.js';
import { snsTranslator } from '../../translators/sns.js';
import type { SqsProviderOptions } from './options.js';
import { isQueueUrl, queueNameFromUrl } from './options.js';
import { SqsProvider } from './provider.js';

/** The {@link SqsProviderOptions} a route helper accepts: all but `queue`, its first argument. */
export type SqsRouteProviderOptions = Omit<SqsProviderOptions, 'queue'>;

/**
 * Where a route helper's messages come from: {@link SqsProviderOptions} (the helper creates the
 * provider), or a ready `provider` (then no provider option may be given).
 */
export type SqsRouteSource =
  | (SqsRouteProviderOptions & {
      /** A ready provider; leave out to have the helper create an {@link SqsProvider}. */
      readonly provider?: undefined;
    })
  | ({
      /** A ready provider (an {@link SqsProvider} for the same queue, or your own). */
      readonly provider: Provider;
    } & { readonly [K in keyof SqsRouteProviderOptions]?: undefined });

/**
 * The route options a helper passes on to {@link Route}: everything but what the helper decides
 * itself (provider, message translator), with `name` optional.
 */
export type SqsRouteBehaviour<Content, Metadata> = Omit<
  RouteOptions<Content, Metadata>,
  'name' | 'provider' | 'messageTranslator'
> & {
  /**
   * The route's name, in logs, events and health.
   *
   * @defaultValue the queue's name
   */
  readonly name?: string;
};

/**
 * Options of {@link sqsRoute}: provider options (or a ready `provider`), route options, and an
 * optional Standard Schema that validates each message's content.
 *
 * @typeParam Content - the handler's content type.
 */
export type SqsRouteOptions<Content = unknown> = SqsRouteSource &
  SqsRouteBehaviour<Content, MessageMetadata> & {
    /**
     * A Standard Schema (zod, valibot, arktype, ...) that validates each message's content; the
     * handler's content type is its output. Content it rejects is a `TranslationError`.
     *
     * @defaultValue no validation
     */
    readonly schema?: StandardSchemaV1;
  };

/**
 * Options of {@link snsQueueRoute}: those of {@link sqsRoute}, plus how to treat messages delivered
 * without an SNS envelope.
 *
 * @typeParam Content - the handler's content type.
 */
export type SnsQueueRouteOptions<Content = unknown> = SqsRouteSource &
  SqsRouteBehaviour<Content, SnsMetadata> & {
    /**
     * A Standard Schema that validates the decoded SNS `Message`; the handler's content type is its output.
     *
     * @defaultValue no validation
     */
    readonly schema?: StandardSchemaV1;
    /**
     * What to do with a body that is not an SNS envelope: `reject` it as a translation error, or
     * `accept` it as the content itself (subscriptions with raw message delivery).
     *
     * @defaultValue 'reject'
     */
    readonly rawDelivery?: SnsTranslatorOptions['rawDelivery'];
  };

/** The names of {@link SqsProviderOptions} besides `queue`, to pick them out of a helper's options. */
const PROVIDER_OPTION_NAMES = [
  'client',
  'transport',
  'region',
  'endpoint',
  'credentials',
  'maxAttempts',
  'queueOwnerAccountId',
  'waitTimeSeconds',
  'maxMessagesPerFetch',
  'visibilityTimeoutSeconds',
  'attributeNames',
  'messageAttributeNames',
  'requestTimeoutMs',
  'ackBatchWindowMs',
  'ackMaxAttempts',
  'logger',
  'clock',
  'random',
] as const satisfies readonly (keyof SqsRouteProviderOptions)[];

/** Options a helper consumes itself, never passed on to {@link Route}. */
const HELPER_OPTION_NAMES = new Set<string>([...PROVIDER_OPTION_NAMES, 'provider', 'schema', 'rawDelivery']);

function queueNameOf(queue: string): string {
  return (isQueueUrl(queue) ? queueNameFromUrl(queue) : queue) ?? queue;
}

/** Builds the provider of a helper's route: the given one, or a new {@link SqsProvider}. */
function providerFor(
  queue: string,
  name: string,
  options: Readonly<Record<string, unknown>>,
): { provider: Provider; isOwned: boolean } {
  const given = options.provider as Provider | undefined;
  if (given !== undefined) {
    for (const option of PROVIDER_OPTION_NAMES) {
      checkThat(
        options[option] === undefined,
        option,
        'left out when `provider` is given (configure the provider instead)',
        options[option],
      );
    }
    if (given instanceof SqsProvider && given.queue !== queue && given.queueName !== queueNameOf(queue)) {
      throw new ConfigurationError(
        'provider',
        `Expected \`provider\` to consume queue \`${queue}\`, got a provider of queue \`${given.queue}\``,
      );
    }
    return { provider: given, isOwned: false };
  }
  const providerOptions: Record<string, unknown> = { queue };
  for (const option of PROVIDER_OPTION_NAMES) {
    if (options[option] !== undefined) providerOptions[option] = options[option];
  }
  // Without a logger, the provider logs where the route does (given at start, bound to `{ route }`).
  const logger = options.logger as Logger | undefined;
  if (typeof logger?.child === 'function') providerOptions.logger = logger.child({ route: name });
  return {
    provider: new SqsProvider(providerOptions as unknown as SqsProviderOptions),
    isOwned: options.client === undefined,
  };
}

function buildRoute(
  queue: string,
  options: Readonly<Record<string, unknown>>,
  translator: MessageTranslator<unknown, unknown>,
): Route<unknown, unknown> {
  checkString('queue', queue, undefined);
  checkThat(typeof queue === 'string', 'queue', 'a queue name or URL', queue);
  checkObject('options', options);
  const name = checkString('name', options.name, queueNameOf(queue));
  const messageTranslator =
    options.schema === undefined ? translator : withSchema(translator, options.schema as StandardSchemaV1);
  const { provider, isOwned } = providerFor(queue, name, options);
  const routeOptions: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (!HELPER_OPTION_NAMES.has(key)) routeOptions[key] = options[key];
  }
  routeOptions.name = name;
  routeOptions.provider = provider;
  routeOptions.messageTranslator = messageTranslator;
  try {
    return new Route(routeOptions as unknown as RouteOptions<unknown, unknown>);
  } catch (error) {
    // The route is invalid: release the client created for it (nothing was sent yet).
    if (isOwned && provider instanceof SqsProvider) provider.client.destroy();
    throw error;
  }
}

/**
 * An SQS route (loafer's `SQSRoute`): messages of `queue` with JSON bodies, decoded by the JSON
 * translator and handed to `options.handler`. The route is named after the queue unless `name` is
 * given. With a `schema`, the content is validated and typed by it.
 *
 * @example
 * ```ts
 * const Friend = z.object({ id: z.string(), username: z.string() });
 * const route = sqsRoute('friend-created', {
 *   region: 'eu-west-1',
 *   schema: Friend,
 *   handler: async (friend) => { await save(friend); return true; },
 * });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function sqsRoute<Schema extends StandardSchemaV1>(
  queue: string,
  options: SqsRouteSource &
    SqsRouteBehaviour<StandardSchemaV1.InferOutput<Schema>, MessageMetadata> & { readonly schema: Schema },
): Route<StandardSchemaV1.InferOutput<Schema>, MessageMetadata>;
/**
 * An SQS route without a schema: the handler's content type is `Content` (unchecked; `unknown` unless
 * given, as in `sqsRoute<Friend>(...)`).
 *
 * @throws {ConfigurationError} when an option is invalid.
 */
export function sqsRoute<Content = unknown>(
  queue: string,
  options: SqsRouteSource & SqsRouteBehaviour<Content, MessageMetadata> & { readonly schema?: undefined },
): Route<Content, MessageMetadata>;
export function sqsRoute(queue: string, options: object): Route<unknown, MessageMetadata> {
  return buildRoute(queue, options as Readonly<Record<string, unknown>>, jsonTranslator()) as Route<
    unknown,
    MessageMetadata
  >;
}

/**
 * An SNS-queue route (loafer's `SNSQueueRoute`): messages of `queue`, which is subscribed to SNS
 * topics, decoded by the SNS translator: the content is the envelope's `Message` parsed as JSON, and
 * `metadata.sns` keeps the topic, SNS message id, subject, timestamp and message attributes. The
 * route is named after the queue unless `name` is given. With a `schema`, the content is validated
 * and typed by it.
 *
 * @example
 * ```ts
 * const route = snsQueueRoute('foobar-friend-created', {
 *   schema: Friend,
 *   handler: async (friend, { metadata }) => { log(metadata.sns?.topicArn); return true; },
 * });
 * ```
 * @throws {ConfigurationError} when an option is invalid.
 */
export function snsQueueRoute<Schema extends StandardSchemaV1>(
  queue: string,
  options: SqsRouteSource &
    SqsRouteBehaviour<StandardSchemaV1.InferOutput<Schema>, SnsMetadata> & {
      readonly schema: Schema;
      readonly rawDelivery?: SnsTranslatorOptions['rawDelivery'];
    },
): Route<StandardSchemaV1.InferOutput<Schema>, SnsMetadata>;
/**
 * An SNS-queue route without a schema: the handler's content type is `Content` (unchecked; `unknown`
 * unless given, as in `snsQueueRoute<Friend>(...)`).
 *
 * @throws {ConfigurationError} when an option is invalid.
 */
export function snsQueueRoute<Content = unknown>(
  queue: string,
  options: SqsRouteSource &
    SqsRouteBehaviour<Content, SnsMetadata> & {
      readonly schema?: undefined;
      readonly rawDelivery?: SnsTranslatorOptions['rawDelivery'];
    },
): Route<Content, SnsMetadata>;
export function snsQueueRoute(queue: string, options: object): Route<unknown, SnsMetadata> {
  checkObject('options', options);
  const { rawDelivery } = options as { readonly rawDelivery?: SnsTranslatorOptions['rawDelivery'] };
  const translator = snsTranslator(rawDelivery === undefined ? {} : { rawDelivery }) as MessageTranslator<
    unknown,
    unknown
  >;
  return buildRoute(queue, options as Readonly<Record<string, unknown>>, translator) as Route<
    unknown,
    SnsMetadata
  >;
}
