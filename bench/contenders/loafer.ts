// loafer: a Manager running one Route on the SQS provider of `loafer/sqs`, the JSON translator, and a
// handler that does the profile's work and acks. Deletions are counted on the `messageAcked` event
// (emitted once SQS confirmed the DeleteMessageBatch entry). The provider's default (lean) transport,
// unless LOAFER_BENCH_TRANSPORT=sdk asks for the SDK's `SQSClient`:
//   LOAFER_BENCH_TRANSPORT=sdk npm run bench -- --scenarios=noop --contenders=loafer --no-micro
import { jsonTranslator, Manager, Route, silentLogger } from 'loafer';
import { SqsProvider } from 'loafer/sqs';
import type { StartContender } from '../lib/contender.js';

export const start: StartContender = async ({ config, work, tracker }) => {
  const provider = new SqsProvider({
    queue: config.queueUrl,
    region: config.region,
    endpoint: config.endpoint,
    ...(process.env.LOAFER_BENCH_TRANSPORT === 'sdk' ? { transport: 'sdk' as const } : {}),
    logger: silentLogger,
  });
  const route = new Route({
    name: 'bench',
    provider,
    messageTranslator: jsonTranslator(),
    concurrency: config.concurrency,
    handler: async (content) => {
      tracker.received();
      await work(content);
      return true;
    },
  });
  const manager = new Manager({ routes: [route], logger: silentLogger });
  manager.on('messageAcked', () => tracker.deleted());
  manager.on('ackFailed', ({ error }) => tracker.error(error));
  manager.on('providerFailed', ({ error }) => tracker.error(error));
  manager.on('messageFailed', ({ error }) => tracker.error(error));
  const running = manager.run();
  running.catch((error: unknown) => tracker.error(error));
  return {
    async stop() {
      await manager.stop();
      await running;
    },
  };
};
