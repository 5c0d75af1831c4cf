// The interface every contender module (bench/contenders/*.ts) implements.
import type { ChildConfig } from './ipc.js';
import type { BenchWork } from './profiles.js';
import type { Tracker } from './tracker.js';

/** What a contender gets to start consuming. */
export interface ContenderContext {
  readonly config: ChildConfig;
  /** The profile's work; call it with the decoded content of each message. */
  readonly work: BenchWork;
  readonly tracker: Tracker;
}

/** A consumer that is running; `stop()` ends it (gracefully when the library can). */
export interface RunningContender {
  stop(): Promise<void>;
}

/** A contender module's export. */
export type StartContender = (context: ContenderContext) => Promise<RunningContender>;
