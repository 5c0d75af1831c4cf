// docs/sentry.md: report the messages whose handler failed to Sentry, with the message attached.
// Run: SENTRY_DSN=https://<key>@<host>/<project> node --conditions=source --import tsx examples/snippets/sentry.ts
import * as Sentry from '@sentry/node';
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { sentryErrorHandler } from 'loafer/sentry';
import { MemoryProvider } from 'loafer/testing';

export async function main(dsn: string): Promise<string[]> {
  Sentry.init({ dsn });

  const provider = new MemoryProvider({ name: 'friend-created' }); // in a service: an SQS queue
  const id = provider.send({ id: 'test-1', username: 'georgeyk', github_url: '' });
  const route = new Route({
    name: 'friend-created',
    provider,
    messageTranslator: jsonTranslator(),
    handler: async () => {
      throw new Error('github is down');
    },
    // Reports the error with the route, message id, receive count, attributes and body attached,
    // then returns `deleteMessage`: false keeps the message for redelivery (and the DLQ).
    errorHandler: sentryErrorHandler({ sentry: Sentry, deleteMessage: false }),
  });
  await new Manager({ routes: [route], logger: silentLogger }).runOnce();

  await Sentry.flush(2000); // a service flushes on shutdown; a script before it exits
  return [`${id}: ${provider.isDeleted(id) ? 'deleted' : 'kept'} after reporting to Sentry`];
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log((await main(process.env.SENTRY_DSN ?? '')).join('\n'));
