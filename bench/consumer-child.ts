// One contender in its own process, forked by bench/run.ts (from its transpiled copy in
// .tmp/bench-build, see lib/build.ts) with a ChildConfig as JSON in argv[2] and an IPC channel. Imports the contender, starts it,
// reports `done` with its measurements at the last confirmed delete, and stops when told to.
import type { StartContender } from './lib/contender.js';
import type { ChildConfig, ChildMessage, ParentMessage } from './lib/ipc.js';
import { benchWork } from './lib/profiles.js';
import { Tracker } from './lib/tracker.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fail(error: unknown): Promise<never> {
  await send({
    type: 'failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}

process.on('uncaughtException', (error) => void fail(error));
process.on('unhandledRejection', (error) => void fail(error));
process.on('disconnect', () => process.exit(1));

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const file = config.contender === 'sqs-consumer-batch' ? 'sqs-consumer' : config.contender;
const { start } = (await import(`./contenders/${file}.js`)) as { start: StartContender };

const tracker = new Tracker(config.messages, (result) => void send({ type: 'done', result }));
const running = await start({ config, work: benchWork(config.profile), tracker });

process.on('message', (message: ParentMessage) => {
  if (message.type === 'progress') {
    void send({
      type: 'progress',
      received: tracker.receivedCount,
      deleted: tracker.deletedCount,
      errors: tracker.errorCount,
    });
    return;
  }
  const startedAt = performance.now();
  running.stop().then(
    async () => {
      await send({ type: 'stopped', stopMs: performance.now() - startedAt });
      process.exit(0);
    },
    (error: unknown) => fail(error),
  );
});
