// The configuration of the reliability suite's child service (service.ts), passed as JSON in the
// LOAFER_RELIABILITY_SERVICE environment variable, and the lines it reports on stdout.

/** Events the service can report on stdout, besides its pino logs. */
export type ReportedEvent =
  | 'routeStarted'
  | 'attempt'
  | 'messageAcked'
  | 'ackFailed'
  | 'messageReleased'
  | 'messageHandled'
  | 'providerFailed'
  | 'providerRecovered';

/** How the child service runs. */
export interface ServiceConfig {
  /** The queue to consume (its URL). */
  readonly queueUrl: string;
  /** The SQS endpoint: the fault proxy, or the server itself. */
  readonly endpoint: string;
  /** The ledger file the handlers append to. */
  readonly ledgerPath: string;
  /** The route's concurrency. */
  readonly concurrency: number;
  /** The long poll's wait, in seconds. */
  readonly waitTimeSeconds: number;
  /** The SQS provider's client-side request timeout; the provider's default when absent. */
  readonly requestTimeoutMs?: number;
  /** The route's handler timeout; none when absent. */
  readonly handlerTimeoutMs?: number;
  /** How long a handler that ignores its aborted signal keeps its slot. */
  readonly handlerTimeoutGraceMs?: number;
  /** The manager's shutdown deadline. */
  readonly shutdownTimeoutMs?: number;
  /** The manager's grace after the shutdown deadline. */
  readonly shutdownAbortGraceMs?: number;
  /** Failed messages come back after this many seconds (a linear retry policy); the queue's visibility timeout when absent. */
  readonly retryDelaySeconds?: number;
  /** Share of attempts that throw. */
  readonly failRate: number;
  /** Share of attempts that hang past the handler timeout. */
  readonly hangRate: number;
  /** Share of the hanging attempts that ignore their aborted signal and return true late. */
  readonly zombieShare: number;
  /** How long a normal handling works, in ms: a random duration in [min, max]. */
  readonly workMs: readonly [number, number];
  /** Seeds the handlers' random draws (mixed with the process id, so restarts differ). */
  readonly seed: number;
  /** Which events to report on stdout. */
  readonly report: readonly ReportedEvent[];
  /**
   * A negative control: an error handler that returns true, so failed messages are deleted. The
   * reconciliation must then report deletes without a successful handling.
   */
  readonly isDeletedOnError?: boolean;
  /** Credentials to give the SQS client in its options (otherwise the SDK's chain reads the environment). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The body of a message the service consumes. */
export interface ServiceMessage {
  /** The seeded id, unique per run. */
  readonly id: string;
  /** Always fails. */
  readonly poison?: boolean;
  /** Extra work for this message, in ms (drain tests). */
  readonly holdMs?: number;
  /** During `holdMs`, ignore the handler's aborted signal (forced-exit tests). */
  readonly ignoreSignal?: boolean;
}

/** One line the service reports on stdout (its pino logs are the other lines). */
export interface ServiceReport {
  readonly reliability: ReportedEvent | 'exit';
  readonly at: number;
  readonly pid: number;
  readonly id?: string;
  readonly rc?: number;
  /** The delivery's receipt handle (ack reports). */
  readonly r?: string;
  readonly outcome?: string;
  readonly operation?: string;
  readonly code?: number;
}

/** The environment variable that carries the JSON {@link ServiceConfig}. */
export const SERVICE_CONFIG_VARIABLE = 'LOAFER_RELIABILITY_SERVICE';
