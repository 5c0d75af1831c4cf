// The settings of an AWS SDK client that loafer creates (region, endpoint, credentials, attempts), or
// the caller's own client: validated in one place for the SQS provider and the publishers.
import { checkInteger, checkString, checkThat } from '../../core/validate.js';

/** The client settings the SQS provider and the publishers accept. */
export interface AwsClientFields<Credentials> {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: Credentials | undefined;
  readonly maxAttempts?: number;
}

/** Client settings after validation, ready for `new SQSClient()` / `new SNSClient()`. */
export interface AwsClientConfig<Credentials> {
  region?: string;
  endpoint?: string;
  credentials?: Credentials;
  maxAttempts: number;
}

/** The settings that configure a client loafer creates: absent when the caller gives a client. */
export const CLIENT_FIELDS = ['region', 'endpoint', 'credentials', 'maxAttempts'] as const;

/**
 * Validates `client` (the caller's SDK client) or the settings of the client to create; they exclude
 * each other.
 *
 * @throws {ConfigurationError} naming the invalid option (credentials are never echoed).
 */
export function resolveAwsClientConfig<Client extends { send: unknown }, Credentials>(
  options: AwsClientFields<Credentials> & { readonly client?: Client },
  clientName: string,
): { client: Client | undefined; clientConfig: AwsClientConfig<Credentials> } {
  const client = options.client;
  if (client !== undefined) {
    checkThat(
      typeof client === 'object' && client !== null && typeof client.send === 'function',
      'client',
      `an ${clientName}`,
      client,
    );
    for (const name of CLIENT_FIELDS) {
      checkThat(
        options[name] === undefined,
        name,
        'left out when `client` is given (configure your client instead)',
        name === 'credentials' ? '[credentials]' : options[name],
      );
    }
  }
  const clientConfig: AwsClientConfig<Credentials> = {
    maxAttempts: checkInteger('maxAttempts', options.maxAttempts, 1, { min: 1, max: 10 }),
  };
  const region = checkString('region', options.region, undefined);
  if (region !== undefined) clientConfig.region = region;
  const endpoint = checkString('endpoint', options.endpoint, undefined);
  if (endpoint !== undefined) {
    let isValid = false;
    try {
      isValid = /^https?:$/.test(new URL(endpoint).protocol);
    } catch {
      isValid = false;
    }
    checkThat(isValid, 'endpoint', 'an http(s) URL', endpoint);
    clientConfig.endpoint = endpoint;
  }
  const credentials = options.credentials as unknown;
  if (credentials !== undefined) {
    checkThat(
      typeof credentials === 'function' ||
        (typeof credentials === 'object' &&
          credentials !== null &&
          typeof (credentials as { accessKeyId?: unknown }).accessKeyId === 'string' &&
          typeof (credentials as { secretAccessKey?: unknown }).secretAccessKey === 'string'),
      'credentials',
      'an object with accessKeyId and secretAccessKey, or a credential provider function',
      typeof credentials === 'object' && credentials !== null ? '[credentials]' : credentials,
    );
    clientConfig.credentials = options.credentials as Credentials;
  }
  return { client, clientConfig };
}
