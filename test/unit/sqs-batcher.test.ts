// The request batcher behind SqsProvider's acks, driven by a ManualClock and a fake `send`: no SDK,
// no network. It is internal to loafer/sqs, so it is imported from its module.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderError } from 'loafer';
import { ManualClock } from 'loafer/testing';
import type { BatchEntryFailure, BatchResponse } from '../../src/providers/sqs/batcher.js';
import { RequestBatcher } from '../../src/providers/sqs/batcher.js';

interface Sent {
  readonly items: readonly string[];
  readonly ids: readonly string[];
}

type Reply = (items: readonly string[], ids: readonly string[]) => BatchResponse | Promise<BatchResponse>;

const allSucceed: Reply = (_items, ids) => ({
  Successful: ids.slice(0, _items.length).map((Id) => ({ Id })),
});

function retryable(message: string): ProviderError {
  return new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', message, { isRetryable: true });
}

function setup(
  options: {
    reply?: Reply;
    windowMs?: number;
    maxAttempts?: number;
    judge?: (item: string, failure: BatchEntryFailure) => ProviderError | undefined;
  } = {},
) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  let reply = options.reply ?? allSucceed;
  const batcher = new RequestBatcher<string>({
    maxEntries: 10,
    windowMs: options.windowMs ?? 5,
    maxAttempts: options.maxAttempts ?? 3,
    clock,
    random: () => 0.5,
    send: async (items, ids) => {
      sent.push({ items: [...items], ids: ids.slice(0, items.length) });
      return reply(items, ids);
    },
    toError: (error) =>
      error instanceof ProviderError
        ? error
        : new ProviderError('LOAFER_ERR_PROVIDER_REQUEST_FAILED', String(error)),
    judgeFailure:
      options.judge ??
      ((item, failure) =>
        new ProviderError('LOAFER_ERR_PROVIDER_ACK_FAILED', `${item}: ${failure.Code}`, {
          isRetryable: failure.SenderFault === false,
        })),
  });
  return {
    clock,
    sent,
    batcher,
    setReply(next: Reply) {
      reply = next;
    },
  };
}

/** Settles a promise into a tagged result, so that tests can check it without racing. */
function settle(promise: Promise<void>): { result: 'pending' | 'resolved' | unknown } {
  const state: { result: 'pending' | 'resolved' | unknown } = { result: 'pending' };
  promise.then(
    () => {
      state.result = 'resolved';
    },
    (error: unknown) => {
      state.result = error;
    },
  );
  return state;
}

describe('RequestBatcher', () => {
  describe('add()', () => {
    it('sends a full batch of 10 at once, without waiting for the window', async () => {
      const { batcher, sent, clock } = setup({ windowMs: 1000 });

      const results = Array.from({ length: 10 }, (_, index) => settle(batcher.add(`m${index}`)));
      await clock.advance(0);

      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]?.ids, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.ok(results.every((state) => state.result === 'resolved'));
    });

    it('sends a partial batch when the window of its first entry ends', async () => {
      const { batcher, sent, clock } = setup({ windowMs: 5 });
      const first = settle(batcher.add('a'));
      await clock.advance(3);
      const second = settle(batcher.add('b'));

      await clock.advance(1);
      const sentBeforeWindow = sent.length;
      await clock.advance(1);

      assert.equal(sentBeforeWindow, 0);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]?.items, ['a', 'b']);
      assert.equal(first.result, 'resolved');
      assert.equal(second.result, 'resolved');
    });

    it('splits 25 entries into requests of 10, 10 and 5', async () => {
      const { batcher, sent, clock } = setup();

      for (let index = 0; index < 25; index++) void batcher.add(`m${index}`).catch(() => {});
      await clock.advance(5);

      assert.deepEqual(
        sent.map((request) => request.items.length),
        [10, 10, 5],
      );
    });
  });

  describe('entry failures', () => {
    it('rejects only the failed entry and resolves the others', async () => {
      const { batcher, clock } = setup({
        reply: () => ({
          Successful: [{ Id: '0' }, { Id: '2' }],
          Failed: [{ Id: '1', Code: 'InvalidParameterValue', Message: 'bad', SenderFault: true }],
        }),
      });
      const states = ['a', 'b', 'c'].map((item) => settle(batcher.add(item)));

      await clock.advance(5);

      assert.equal(states[0]?.result, 'resolved');
      assert.equal(states[2]?.result, 'resolved');
      const error = states[1]?.result;
      assert.ok(error instanceof ProviderError);
      assert.equal(error.code, 'LOAFER_ERR_PROVIDER_ACK_FAILED');
      assert.match(error.message, /b: InvalidParameterValue/);
    });

    it('resolves an entry the judge forgives (a stale receipt)', async () => {
      const { batcher, clock } = setup({
        reply: () => ({ Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] }),
        judge: (_item, failure) =>
          failure.Code === 'ReceiptHandleIsInvalid'
            ? undefined
            : new ProviderError('LOAFER_ERR_PROVIDER_ACK_FAILED', 'no'),
      });
      const state = settle(batcher.add('stale'));

      await clock.advance(5);

      assert.equal(state.result, 'resolved');
    });

    it('retries only the entries that failed on the server’s side, after a backoff', async () => {
      let calls = 0;
      const { batcher, sent, clock } = setup({
        reply: (items, ids) => {
          calls += 1;
          if (calls === 1) {
            return {
              Successful: [{ Id: '0' }],
              Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
            };
          }
          return { Successful: items.map((_, index) => ({ Id: ids[index] })) };
        },
      });
      const states = ['a', 'b'].map((item) => settle(batcher.add(item)));
      await clock.advance(5);
      const afterFirst = states.map((state) => state.result);

      await clock.advance(100);

      assert.deepEqual(afterFirst, ['resolved', 'pending']);
      assert.deepEqual(
        sent.map((request) => request.items),
        [['a', 'b'], ['b']],
      );
      assert.equal(states[1]?.result, 'resolved');
    });

    it('never reports an entry missing from the response as done', async () => {
      const { batcher, clock } = setup({ maxAttempts: 1, reply: () => ({ Successful: [{ Id: '0' }] }) });
      const states = ['a', 'b'].map((item) => settle(batcher.add(item)));

      await clock.advance(5);

      assert.equal(states[0]?.result, 'resolved');
      assert.ok(states[1]?.result instanceof ProviderError);
    });
  });

  describe('request failures', () => {
    it('retries a retryable failure with backoff, then succeeds', async () => {
      let calls = 0;
      const { batcher, sent, clock } = setup({
        reply: (items, ids) => {
          calls += 1;
          if (calls < 3) throw retryable('connection reset');
          return allSucceed(items, ids);
        },
      });
      const state = settle(batcher.add('a'));

      await clock.advance(5);
      const afterFirst = sent.length;
      await clock.advance(75);
      const afterFirstBackoff = sent.length;
      await clock.advance(1000);

      assert.equal(afterFirst, 1);
      assert.equal(afterFirstBackoff, 2, 'the first backoff is 50–100 ms');
      assert.equal(sent.length, 3);
      assert.equal(state.result, 'resolved');
    });

    it('rejects every entry with the request’s error once the attempts run out', async () => {
      const { batcher, sent, clock } = setup({
        maxAttempts: 3,
        reply: () => {
          throw retryable('endpoint down');
        },
      });
      const states = ['a', 'b'].map((item) => settle(batcher.add(item)));

      await clock.advance(10_000);

      assert.equal(sent.length, 3);
      for (const state of states) {
        assert.ok(state.result instanceof ProviderError);
        assert.equal(state.result.message, 'endpoint down');
      }
    });

    it('does not retry a failure that is not retryable', async () => {
      const { batcher, sent, clock } = setup({
        reply: () => {
          throw new ProviderError('LOAFER_ERR_PROVIDER_CREDENTIALS', 'denied');
        },
      });
      const state = settle(batcher.add('a'));

      await clock.advance(10_000);

      assert.equal(sent.length, 1);
      assert.ok(state.result instanceof ProviderError);
      assert.equal(state.result.code, 'LOAFER_ERR_PROVIDER_CREDENTIALS');
    });
  });

  describe('flush()', () => {
    it('sends what is pending without waiting for the window, and waits for it', async () => {
      const { batcher, sent } = setup({ windowMs: 60_000 });
      const state = settle(batcher.add('a'));

      await batcher.flush();

      assert.equal(sent.length, 1);
      assert.equal(state.result, 'resolved');
      assert.equal(batcher.pendingCount, 0);
      assert.equal(batcher.inFlightCount, 0);
    });

    it('waits for a request that is being retried', async () => {
      let calls = 0;
      const { batcher, clock } = setup({
        reply: (items, ids) => {
          calls += 1;
          if (calls === 1) throw retryable('once');
          return allSucceed(items, ids);
        },
      });
      const state = settle(batcher.add('a'));
      await clock.advance(5);
      let isFlushed = false;
      const flushing = batcher.flush().then(() => {
        isFlushed = true;
      });
      await clock.advance(0);
      const flushedBeforeRetry = isFlushed;

      await clock.advance(200);
      await flushing;

      assert.equal(flushedBeforeRetry, false);
      assert.equal(state.result, 'resolved');
    });
  });
});
