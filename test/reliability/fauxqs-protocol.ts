// The IPC messages between fauxqs-control.ts (the run) and fauxqs-process.ts (the server).

/** What the run asks the server process. */
export type FauxqsRequest =
  | { readonly type: 'inspect'; readonly queueName: string }
  | { readonly type: 'spyEvents'; readonly from: number };

/** The answer to one request. */
export type FauxqsReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Sent once the server listens. */
export interface FauxqsReady {
  readonly type: 'ready';
  readonly port: number;
}

/** A queue's messages by state, as bodies, read without receiving them. */
export interface QueueContents {
  readonly ready: readonly string[];
  readonly delayed: readonly string[];
  readonly inflight: readonly string[];
}

/** One SQS event recorded by fauxqs's message spy. */
export interface SpyEvent {
  readonly queueName: string;
  readonly messageId: string;
  readonly body: string;
  /** `published` (enqueued), `consumed` (deleted), `dlq` (moved to the dead-letter queue). */
  readonly status: 'published' | 'consumed' | 'dlq';
  /** Epoch ms. */
  readonly at: number;
}
