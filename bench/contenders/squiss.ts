// squiss-ts 5.x with its in-flight limit tuned to the scenario's concurrency. Squiss keeps one
// receive in flight at a time and batches deletes; `deleteWaitMs` is lowered from 2 s to 10 ms so that
// the last partial delete batch does not add two idle seconds to a short run.
import { type Message, Squiss } from 'squiss-ts';
import type { StartContender } from '../lib/contender.js';

export const start: StartContender = async ({ config, work, tracker }) => {
  const squiss = new Squiss({
    queueUrl: config.queueUrl,
    awsConfig: { region: config.region, endpoint: config.endpoint },
    maxInFlight: config.concurrency,
    receiveBatchSize: 10,
    deleteBatchSize: 10,
    deleteWaitMs: 10,
    bodyFormat: 'json',
  });
  squiss.on('message', (message: Message) => {
    tracker.received();
    work(message.body)
      .then(
        () => message.del(),
        async (error: unknown) => {
          tracker.error(error);
          await message.release();
        },
      )
      .catch((error: unknown) => tracker.error(error));
  });
  squiss.on('deleted', () => tracker.deleted());
  squiss.on('delError', (payload) => tracker.error(`${payload.error.Code}: ${payload.error.Message}`));
  squiss.on('error', (error) => tracker.error(error));
  await squiss.start();
  return {
    async stop() {
      await squiss.stop(false, 5000);
    },
  };
};
