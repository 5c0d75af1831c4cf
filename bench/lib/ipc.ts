// The messages exchanged over IPC between the orchestrator (bench/run.ts), the fauxqs server process
// (bench/fauxqs-server.ts) and the consumer children (bench/consumer-child.ts).
import type { ContenderId, HandlerProfile } from './config.js';

/** What a consumer child is told to do (passed as JSON in argv[2]). */
export interface ChildConfig {
  readonly contender: ContenderId;
  readonly queueUrl: string;
  /** `http://127.0.0.1:<port>`: the fauxqs server. */
  readonly endpoint: string;
  readonly region: string;
  readonly profile: HandlerProfile;
  readonly concurrency: number;
  /** How many deletions make the run complete. */
  readonly messages: number;
}

/** What a consumer child measured between its first receive and its last confirmed delete. */
export interface ChildResult {
  readonly received: number;
  readonly deleted: number;
  /** Epoch milliseconds (fractional) of the first message handed to the handler. */
  readonly firstReceiveAt: number;
  /** Epoch milliseconds (fractional) of the deletion that completed the run. */
  readonly lastDeleteAt: number;
  /** CPU time of the child in that window, microseconds. */
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  /** The child's peak resident set size over its whole life, kilobytes. */
  readonly maxRssKb: number;
  /** Resident set size once everything was imported, before the consumer started, kilobytes. */
  readonly startRssKb: number;
  /** Errors the contender reported (events, rejected deletes), and the first one's text. */
  readonly errors: number;
  readonly firstError: string | undefined;
}

/** Child → orchestrator. */
export type ChildMessage =
  | { readonly type: 'done'; readonly result: ChildResult }
  | {
      readonly type: 'progress';
      readonly received: number;
      readonly deleted: number;
      readonly errors: number;
    }
  | { readonly type: 'stopped'; readonly stopMs: number }
  | { readonly type: 'failed'; readonly error: string };

/** Orchestrator → child. */
export type ParentMessage = { readonly type: 'stop' } | { readonly type: 'progress' };

/** Requests the orchestrator sends to the server process. */
export type ServerRequest =
  | { readonly type: 'createQueue'; readonly name: string; readonly attributes: Record<string, string> }
  | { readonly type: 'deleteQueue'; readonly name: string }
  | { readonly type: 'resetCounts' }
  | {
      readonly type: 'snapshot';
      readonly queueName: string;
      /** Count only requests that arrived until then (epoch ms): the contender's last confirmed delete. */
      readonly untilMs: number | undefined;
    };

/** The server's state since the last `resetCounts`. */
export interface ServerSnapshot {
  /** Requests by SQS action (`ReceiveMessage`, `DeleteMessageBatch`...) that arrived until `untilMs`. */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  /** Requests that arrived after `untilMs` and before the snapshot (polls of the emptied queue). */
  readonly requestsAfter: number;
  /** CPU time of the server process, microseconds. */
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  /** The queue's messages, by state; all zero when every message was deleted. */
  readonly queue:
    | { readonly visible: number; readonly inFlight: number; readonly delayed: number }
    | undefined;
}

/** Server → orchestrator. */
export type ServerMessage =
  | {
      readonly type: 'ready';
      readonly endpoint: string;
      readonly port: number;
      readonly fauxqsVersion: string;
    }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** A request with its correlation id. */
export interface ServerEnvelope {
  readonly id: number;
  readonly request: ServerRequest;
}
