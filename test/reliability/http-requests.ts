// A minimal HTTP/1.1 request reader for the fault proxy's wire audit: it follows the bytes a client
// sends on one connection and reports each complete request (its AWS action and JSON body). Only what
// the AWS SDK sends is supported: a header block, then a body of `content-length` bytes. Anything
// else (chunked bodies, garbage) stops the reader for that connection and is reported once.

/** One request seen on the wire. */
export interface ObservedRequest {
  /** The AWS action from `x-amz-target` (`ReceiveMessage`, `DeleteMessageBatch`...), or `METHOD /path`. */
  readonly action: string;
  /** The body as text (JSON for SQS's JSON protocol); empty when there was none. */
  readonly body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Reads HTTP/1.1 requests from the chunks a client sends on one connection. Feed it every chunk in
 * order; it calls `onRequest` once per complete request and `onUnparsable` once if the stream is not
 * something it understands (after which it ignores the connection).
 */
export class HttpRequestReader {
  readonly #onRequest: (request: ObservedRequest) => void;
  readonly #onUnparsable: (reason: string) => void;
  #buffer: Buffer = Buffer.alloc(0);
  #isBroken = false;
  /** While reading a body: the action and how many body bytes are expected. */
  #current: { action: string; length: number } | undefined;

  constructor(onRequest: (request: ObservedRequest) => void, onUnparsable: (reason: string) => void) {
    this.#onRequest = onRequest;
    this.#onUnparsable = onUnparsable;
  }

  /** Consumes one chunk sent by the client. */
  push(chunk: Buffer): void {
    if (this.#isBroken) return;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#current === undefined) {
        const end = this.#buffer.indexOf(HEADER_END);
        if (end < 0) {
          if (this.#buffer.length > MAX_HEADER_BYTES) this.#break('header block too large');
          return;
        }
        const head = this.#buffer.subarray(0, end).toString('latin1');
        this.#buffer = this.#buffer.subarray(end + HEADER_END.length);
        const parsed = parseHead(head);
        if (typeof parsed === 'string') {
          this.#break(parsed);
          return;
        }
        this.#current = parsed;
      }
      const { action, length } = this.#current;
      if (this.#buffer.length < length) return;
      const body = this.#buffer.subarray(0, length).toString('utf8');
      this.#buffer = this.#buffer.subarray(length);
      this.#current = undefined;
      this.#onRequest({ action, body });
    }
  }

  #break(reason: string): void {
    this.#isBroken = true;
    this.#buffer = Buffer.alloc(0);
    this.#onUnparsable(reason);
  }
}

/** The action and body length of a request head, or why it cannot be read. */
function parseHead(head: string): { action: string; length: number } | string {
  const lines = head.split('\r\n');
  const requestLine = lines[0] ?? '';
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (match === null) return `not an HTTP/1.1 request line: ${requestLine.slice(0, 40)}`;
  let target: string | undefined;
  let length = 0;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-target') target = value;
    else if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding' && value.toLowerCase() !== 'identity') {
      return `unsupported transfer-encoding ${value}`;
    }
  }
  if (!Number.isInteger(length) || length < 0) return 'invalid content-length';
  const action = target === undefined ? `${match[1]} ${match[2]}` : target.slice(target.lastIndexOf('.') + 1);
  return { action, length };
}
