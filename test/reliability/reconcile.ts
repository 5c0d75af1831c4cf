// Reconciles what the handlers wrote (the ledger), what the server did (its spy: deletes and moves to
// the dead-letter queue), what is left in the queues (drained with the SDK at the end) and what went
// over the wire (delete requests seen by the fault proxy) into the run's figures.
//
// The ack contract, as figures that must be 0:
//   lost                     a seeded message that is in neither queue and was never handled
//                            successfully: its work never happened and nobody can redo it
//   ackedWithoutSuccess      a message the server deleted although no handling of it succeeded
//   deletesWithoutSuccess    a delete request (seen on the wire) for a delivery whose handler did not
//                            succeed: finer than the above, it also catches a delete of a failed or
//                            timed-out delivery of a message that succeeded on another delivery
//   poisonNotInDlq           a poison message (always fails) that is not in the dead-letter queue
import type { LedgerRecord } from './ledger.js';

/** What the reconciliation reads. */
export interface ReconcileInput {
  /** Every seeded id, and whether it is poison. */
  readonly seeded: ReadonlyMap<string, { readonly isPoison: boolean }>;
  /** The ledger's records. */
  readonly ledger: readonly LedgerRecord[];
  /** Ledger lines that could not be read. */
  readonly tornLedgerLines: number;
  /** Ids the server deleted from the main queue, one entry per delete (its spy's `consumed`). */
  readonly deletedByServer: readonly string[];
  /** Ids the server moved to the dead-letter queue (its spy's `dlq`). */
  readonly movedToDlqByServer: readonly string[];
  /** Ids drained from the main queue at the end (should be none). */
  readonly leftInQueue: readonly string[];
  /** Ids drained from the dead-letter queue at the end. */
  readonly inDlq: readonly string[];
  /** Receipt handles of the delete entries the fault proxy saw (forwarded or not). */
  readonly deleteReceiptsOnWire: readonly string[];
}

/** The run's figures. */
export interface ReliabilityFigures {
  readonly seeded: number;
  readonly poison: number;
  /** Deleted from the queue, after at least one successful handling. */
  readonly ackedAfterSuccess: number;
  /** In the dead-letter queue at the end. */
  readonly inDlq: number;
  readonly poisonInDlq: number;
  /** Non-poison messages in the dead-letter queue although a handling of theirs succeeded (its delete was lost). */
  readonly inDlqAfterSuccess: number;
  /** Non-poison messages in the dead-letter queue that never succeeded (failed every delivery). */
  readonly inDlqNeverSucceeded: number;
  /** Still in the main queue at the end (the run ended before they were done). */
  readonly leftInQueue: number;
  /** Must be 0 (see the top of this file). */
  readonly lost: number;
  readonly ackedWithoutSuccess: number;
  readonly deletesWithoutSuccess: number;
  readonly poisonNotInDlq: number;
  /** Poison messages the ledger says succeeded (must be 0: the handler always throws for them). */
  readonly poisonSucceeded: number;
  /** Messages handled successfully more than once (at-least-once delivery: reported, not hidden). */
  readonly duplicateMessages: number;
  /** Successful handlings beyond the first, over all messages. */
  readonly duplicateHandlings: number;
  /** Handler attempts, by fate. */
  readonly attempts: Readonly<Record<string, number>>;
  readonly successes: number;
  /** Hung handlers that ignored their signal and returned true after their timeout (their result must be ignored). */
  readonly lateResults: number;
  /** Delete entries seen on the wire. */
  readonly deletesOnWire: number;
  /**
   * Disagreements between the accounts (gone from the queues but not deleted by the server, in the
   * dead-letter queue but never moved there, ids that were never seeded).
   */
  readonly accountingMismatches: number;
  readonly tornLedgerLines: number;
  /** A few ids per failed figure, for the report. */
  readonly samples: Readonly<Record<string, readonly string[]>>;
}

const SAMPLE_SIZE = 5;

/** Computes the figures. Pure. */
export function reconcile(input: ReconcileInput): ReliabilityFigures {
  const successCount = new Map<string, number>();
  const successReceipts = new Set<string>();
  const attempts: Record<string, number> = {};
  let lateResults = 0;
  const unknown = new Set<string>();
  for (const record of input.ledger) {
    if (!input.seeded.has(record.id)) unknown.add(record.id);
    if (record.t === 'attempt') attempts[record.fate] = (attempts[record.fate] ?? 0) + 1;
    else if (record.t === 'late') lateResults += 1;
    else {
      successCount.set(record.id, (successCount.get(record.id) ?? 0) + 1);
      successReceipts.add(record.r);
    }
  }
  const inDlq = new Set(input.inDlq);
  const left = new Set(input.leftInQueue);
  const deleted = new Set(input.deletedByServer);
  const moved = new Set(input.movedToDlqByServer);
  for (const id of [...input.inDlq, ...input.leftInQueue, ...input.deletedByServer]) {
    if (!input.seeded.has(id)) unknown.add(id);
  }

  const samples: Record<string, string[]> = {};
  const note = (figure: string, id: string): void => {
    samples[figure] ??= [];
    if ((samples[figure] as string[]).length < SAMPLE_SIZE) (samples[figure] as string[]).push(id);
  };
  let ackedAfterSuccess = 0;
  let lost = 0;
  let ackedWithoutSuccess = 0;
  let poison = 0;
  let poisonInDlq = 0;
  let poisonNotInDlq = 0;
  let poisonSucceeded = 0;
  let inDlqAfterSuccess = 0;
  let inDlqNeverSucceeded = 0;
  let duplicateMessages = 0;
  let duplicateHandlings = 0;
  let mismatches = 0;
  for (const [id, { isPoison }] of input.seeded) {
    const successes = successCount.get(id) ?? 0;
    const isInDlq = inDlq.has(id);
    const isLeft = left.has(id);
    const isGone = !isInDlq && !isLeft;
    if (successes > 1) {
      duplicateMessages += 1;
      duplicateHandlings += successes - 1;
    }
    if (isPoison) {
      poison += 1;
      if (isInDlq) poisonInDlq += 1;
      else {
        poisonNotInDlq += 1;
        note('poisonNotInDlq', id);
      }
      if (successes > 0) {
        poisonSucceeded += 1;
        note('poisonSucceeded', id);
      }
    } else if (isInDlq) {
      if (successes > 0) inDlqAfterSuccess += 1;
      else inDlqNeverSucceeded += 1;
    }
    if (isGone && successes > 0) ackedAfterSuccess += 1;
    if (isGone && successes === 0) {
      lost += 1;
      note('lost', id);
    }
    if (deleted.has(id) && successes === 0) {
      ackedWithoutSuccess += 1;
      note('ackedWithoutSuccess', id);
    }
    // The two accounts of deletion must agree: gone from both queues exactly when the server deleted it.
    // So must the two accounts of dead-lettering.
    if (isGone !== deleted.has(id) || isInDlq !== moved.has(id)) {
      mismatches += 1;
      note('accountingMismatches', id);
    }
  }
  let deletesWithoutSuccess = 0;
  for (const receipt of input.deleteReceiptsOnWire) {
    if (!successReceipts.has(receipt)) {
      deletesWithoutSuccess += 1;
      note('deletesWithoutSuccess', receipt);
    }
  }
  for (const id of unknown) note('accountingMismatches', id);

  return {
    seeded: input.seeded.size,
    poison,
    ackedAfterSuccess,
    inDlq: inDlq.size,
    poisonInDlq,
    inDlqAfterSuccess,
    inDlqNeverSucceeded,
    leftInQueue: left.size,
    lost,
    ackedWithoutSuccess,
    deletesWithoutSuccess,
    poisonNotInDlq,
    poisonSucceeded,
    duplicateMessages,
    duplicateHandlings,
    attempts,
    successes: [...successCount.values()].reduce((sum, count) => sum + count, 0),
    lateResults,
    deletesOnWire: input.deleteReceiptsOnWire.length,
    accountingMismatches: mismatches + unknown.size,
    tornLedgerLines: input.tornLedgerLines,
    samples,
  };
}

/** The figures that must be 0 for a run to pass, with their values. */
export function contractViolations(figures: ReliabilityFigures): Record<string, number> {
  const violations: Record<string, number> = {};
  const check = (name: keyof ReliabilityFigures): void => {
    const value = figures[name] as number;
    if (value !== 0) violations[name] = value;
  };
  check('lost');
  check('ackedWithoutSuccess');
  check('deletesWithoutSuccess');
  check('poisonNotInDlq');
  check('poisonSucceeded');
  check('accountingMismatches');
  check('tornLedgerLines');
  return violations;
}
