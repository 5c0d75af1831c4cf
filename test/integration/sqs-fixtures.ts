// Shared by the SQS integration tests: the transports every test runs on, and a record of the requests
// that reach the in-process fauxqs (or any HTTP server of the test process), by SQS action.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { SqsTransportName } from 'loafer/sqs';

/** Both transports: each SQS integration test runs on each. */
export const TRANSPORTS: readonly SqsTransportName[] = ['lean', 'sdk'];

/** Requests seen by this process's HTTP servers since {@link recordRequests}. */
export interface RequestRecord {
  /** Requests by SQS action (`ReceiveMessage`, `DeleteMessageBatch`, ...). */
  readonly counts: ReadonlyMap<string, number>;
  /** The `authorization` header of each request, in order. */
  readonly authorizations: readonly string[];
  /** How many requests of `action` arrived. */
  count(action: string): number;
  /** Stops recording. */
  stop(): void;
}

const CHANNEL = 'http.server.request.start';

/**
 * Records the requests that reach the HTTP servers of this process (fauxqs runs in it), through Node's
 * diagnostics channel: whichever transport sent them, they are counted the same way.
 */
export function recordRequests(): RequestRecord {
  const counts = new Map<string, number>();
  const authorizations: string[] = [];
  const onRequest = (payload: unknown): void => {
    const request = (payload as { request: IncomingMessage }).request;
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : 'unknown';
    counts.set(action, (counts.get(action) ?? 0) + 1);
    authorizations.push(request.headers.authorization ?? '');
  };
  subscribe(CHANNEL, onRequest);
  return {
    counts,
    authorizations,
    count: (action) => counts.get(action) ?? 0,
    stop: () => unsubscribe(CHANNEL, onRequest),
  };
}
