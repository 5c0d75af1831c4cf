// Child-side measurement: counts receives and confirmed deletions, takes the CPU and clock readings
// at the first receive and at the deletion that completes the run, and reports them once.
import { performance } from 'node:perf_hooks';
import type { ChildResult } from './ipc.js';

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Counts one contender's work. Contenders call {@link received} when messages reach the handler and
 * {@link deleted} when the broker confirmed their deletion; the run completes at `target` deletions.
 */
export class Tracker {
  readonly #target: number;
  readonly #onDone: (result: ChildResult) => void;
  readonly #startRssKb: number;
  #received = 0;
  #deleted = 0;
  #errors = 0;
  #firstError: string | undefined;
  #firstReceiveAt = 0;
  #cpuAtFirst: NodeJS.CpuUsage | undefined;
  #isDone = false;

  constructor(target: number, onDone: (result: ChildResult) => void) {
    this.#target = target;
    this.#onDone = onDone;
    this.#startRssKb = Math.round(process.memoryUsage.rss() / 1024);
  }

  get receivedCount(): number {
    return this.#received;
  }

  get deletedCount(): number {
    return this.#deleted;
  }

  get errorCount(): number {
    return this.#errors;
  }

  /** `count` messages reached the handler. */
  received(count = 1): void {
    if (this.#received === 0) {
      this.#cpuAtFirst = process.cpuUsage();
      this.#firstReceiveAt = nowMs();
    }
    this.#received += count;
  }

  /** The broker confirmed the deletion of `count` messages. */
  deleted(count = 1): void {
    this.#deleted += count;
    if (this.#isDone || this.#deleted < this.#target) return;
    this.#isDone = true;
    const lastDeleteAt = nowMs();
    const cpu = process.cpuUsage(this.#cpuAtFirst);
    this.#onDone({
      received: this.#received,
      deleted: this.#deleted,
      firstReceiveAt: this.#firstReceiveAt,
      lastDeleteAt,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      maxRssKb: process.resourceUsage().maxRSS,
      startRssKb: this.#startRssKb,
      errors: this.#errors,
      firstError: this.#firstError,
    });
  }

  /** The contender reported an error (an error event, a failed delete entry). */
  error(error: unknown): void {
    this.#errors += 1;
    if (this.#firstError === undefined) {
      this.#firstError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }
}
