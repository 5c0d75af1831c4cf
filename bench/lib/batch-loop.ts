// The hand-written consumer loop every "loop" contender shares, so that they differ only in their
// transport: ceil(concurrency / 10) pollers, each one long-polls for 10 messages, runs their handlers
// in parallel, deletes the successful ones with one DeleteMessageBatch, and polls again. This is the
// loop a Node team writes on the AWS SDK by hand.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContenderContext, RunningContender } from './contender.js';

/** A received message, as the loop needs it. */
export interface LoopMessage {
  readonly receiptHandle: string;
  readonly body: string;
}

/** How a loop contender talks to SQS. */
export interface LoopTransport {
  /** ReceiveMessage (10 messages, 20 s long poll); resolves empty when `signal` aborts. */
  receive(signal: AbortSignal): Promise<readonly LoopMessage[]>;
  /** DeleteMessageBatch of up to 10 receipts; resolves with how many entries failed. */
  deleteBatch(
    receiptHandles: readonly string[],
  ): Promise<{ readonly failed: number; readonly error?: string }>;
  /** Ends open requests and connections. */
  close(): Promise<void>;
}

/** Starts the loop on `transport`. */
export function startBatchLoop(transport: LoopTransport, context: ContenderContext): RunningContender {
  const { tracker, work, config } = context;
  const controller = new AbortController();
  const signal = controller.signal;
  const handle = async (message: LoopMessage): Promise<void> => work(JSON.parse(message.body));

  const pollLoop = async (): Promise<void> => {
    while (!signal.aborted) {
      let messages: readonly LoopMessage[];
      try {
        messages = await transport.receive(signal);
      } catch (error) {
        if (signal.aborted) return;
        tracker.error(error);
        await sleep(100);
        continue;
      }
      if (messages.length === 0) continue;
      tracker.received(messages.length);
      const outcomes = await Promise.allSettled(messages.map(handle));
      const receipts: string[] = [];
      outcomes.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') receipts.push((messages[index] as LoopMessage).receiptHandle);
        else tracker.error(outcome.reason);
      });
      if (receipts.length === 0) continue;
      try {
        const { failed, error } = await transport.deleteBatch(receipts);
        if (failed > 0) tracker.error(error ?? `${failed} delete entries failed`);
        tracker.deleted(receipts.length - failed);
      } catch (error) {
        tracker.error(error);
      }
    }
  };

  const pollers = Math.max(1, Math.ceil(config.concurrency / 10));
  // Every poller's requests listen to the one stop signal.
  setMaxListeners(pollers + 10, signal);
  const loops = Array.from({ length: pollers }, () => pollLoop());
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
      await transport.close();
    },
  };
}
