// The handlers' ledger: an append-only JSON-lines file, one line per handling attempt and one per
// successful handling, written with appendFileSync (one write(2) each) BEFORE the handler returns.
// A SIGKILL loses nothing already written: the kernel holds the bytes, not the process.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** What the handler decided to do with one attempt. */
export type AttemptFate =
  /** Work, then return true. */
  | 'ok'
  /** Throw (an injected failure). */
  | 'throw'
  /** Hang until the route's handler timeout aborts the signal, then throw its reason. */
  | 'hang'
  /** Hang past the timeout ignoring the signal, then return true: the late result must be ignored. */
  | 'zombie'
  /** A poison message: always throw. */
  | 'poison';

/** The fields every ledger line has. */
interface LedgerLine {
  /** The seeded message id (from the body). */
  readonly id: string;
  /** The receive count of this delivery (1 at first). */
  readonly rc: number;
  /** The delivery's receipt handle: a delete carrying it is a delete of this delivery. */
  readonly r: string;
  /** The service process that handled it. */
  readonly pid: number;
  /** Epoch ms. */
  readonly at: number;
}

/** One line of the ledger. */
export type LedgerRecord =
  /** A handler started on a delivery. */
  | (LedgerLine & { readonly t: 'attempt'; readonly fate: AttemptFate })
  /** The handler finished its work and is about to return true (within its timeout). */
  | (LedgerLine & { readonly t: 'success' })
  /** A handler that ignored its aborted signal returned true after its timeout. */
  | (LedgerLine & { readonly t: 'late' });

/** Appends records to a ledger file. */
export class LedgerWriter {
  readonly #fd: number;

  /** Opens `path` for appending (created when missing). */
  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  /** Appends one record as one line, synchronously: it is on its way to disk when this returns. */
  append(record: LedgerRecord): void {
    appendFileSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * Reads a ledger. A line that is not JSON (a write cut short: not expected, since each line is one
 * small write(2) that a SIGKILL cannot split) is skipped and counted in `torn`, which runs report.
 */
export function readLedger(path: string): { records: LedgerRecord[]; torn: number } {
  if (!existsSync(path)) return { records: [], torn: 0 };
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: LedgerRecord[] = [];
  let torn = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.length === 0) continue;
    try {
      records.push(JSON.parse(line) as LedgerRecord);
    } catch {
      torn += 1;
    }
  }
  return { records, torn };
}
