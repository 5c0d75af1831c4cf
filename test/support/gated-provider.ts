// A provider whose fetches wait until the test lets them through, so that tests can see how many
// fetches the pipeline keeps in flight and what it asks for.
import type { FetchOptions, InboundMessage, Provider } from 'loafer';

/** One fetch call held by a {@link GatedProvider}. */
export interface HeldFetch {
  readonly maxMessages: number;
  readonly signal: AbortSignal;
  /** Answers the fetch with `count` new messages (never more than asked). */
  answer(count: number): void;
}

/** A provider whose fetches wait for the test to answer them. */
export class GatedProvider implements Provider<string> {
  readonly description = 'gated test provider';
  readonly maxMessagesPerFetch = 10;
  readonly held: HeldFetch[] = [];
  readonly confirmed: string[] = [];
  readonly released: string[] = [];
  fetchCount = 0;
  inFlightFetches = 0;
  maxInFlightFetches = 0;
  isStopped = false;
  #seq = 0;

  fetchMessages({ maxMessages, signal }: FetchOptions): Promise<InboundMessage<string>[]> {
    this.fetchCount += 1;
    this.inFlightFetches += 1;
    this.maxInFlightFetches = Math.max(this.maxInFlightFetches, this.inFlightFetches);
    return new Promise((resolve) => {
      let isDone = false;
      const finish = (messages: InboundMessage<string>[]): void => {
        if (isDone) return;
        isDone = true;
        this.inFlightFetches -= 1;
        const index = this.held.indexOf(held);
        if (index !== -1) this.held.splice(index, 1);
        resolve(messages);
      };
      const held: HeldFetch = {
        maxMessages,
        signal,
        answer: (count) => {
          const messages: InboundMessage<string>[] = [];
          for (let i = 0; i < Math.min(count, maxMessages); i++) {
            const id = `m-${++this.#seq}`;
            messages.push({ id, body: '{}', receiveCount: 1, attributes: {}, systemAttributes: {}, raw: id });
          }
          finish(messages);
        },
      };
      this.held.push(held);
      signal.addEventListener('abort', () => finish([]), { once: true });
    });
  }

  async confirmMessage(message: InboundMessage<string>): Promise<void> {
    this.confirmed.push(message.raw);
  }

  async releaseMessage(message: InboundMessage<string>): Promise<void> {
    this.released.push(message.raw);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
  }
}
