// SigV4 for the lean transport's one request shape: `POST <endpoint path>`, a fixed set of headers, the
// action in `x-amz-target`, a JSON body. It computes what the AWS SDK's signer (`@smithy/signature-v4`)
// computes for that request, byte for byte (a unit test compares them over random requests), at a
// fraction of the cost: the canonical header block is built once, the date strings once a second,
// the signing key once a day per secret, and each request costs two SHA-256 hashes and one HMAC on
// node:crypto instead of the SDK's five digests, its request clone and its header sorting.
import { createHmac, hash } from 'node:crypto';
import {
  ALWAYS_UNSIGNABLE_HEADERS,
  PROXY_HEADER_PATTERN,
  SEC_HEADER_PATTERN,
  SignatureV4,
} from '@smithy/signature-v4';

/** Credentials as the SDK's credential providers resolve them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** What a {@link JsonRequestSigner} signs for. */
export interface JsonRequestSignerOptions {
  /** The signing region (`eu-west-1`). */
  readonly region: string;
  /** The signing service (`sqs`). */
  readonly service: string;
  /** The request path, the endpoint's (`/`). */
  readonly path: string;
  /**
   * The headers every request carries, names in lowercase (`host`, `content-type`, ...): signed unless
   * SigV4 leaves them unsigned (`user-agent`, `proxy-*`, ...).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether to send the body's hash in `x-amz-content-sha256`, as the SDK's signer does by default. */
  readonly applyChecksum: boolean;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TARGET_HEADER = 'x-amz-target';
const DATE_HEADER = 'x-amz-date';
const TOKEN_HEADER = 'x-amz-security-token';
const CONTENT_SHA256_HEADER = 'x-amz-content-sha256';
/** The headers the SDK's signer generates, and so drops from the request it is given. */
const GENERATED_HEADERS: ReadonlySet<string> = new Set(['authorization', DATE_HEADER, 'date']);

/** The values that change per request, by their index in the values of one signing. */
type Slot = 0 | 1 | 2 | 3 | 4;
const TARGET: Slot = 0;
const DATE: Slot = 1;
/** The session token as sent. */
const TOKEN: Slot = 2;
/** The session token as signed (canonicalized). */
const CANONICAL_TOKEN: Slot = 3;
const CONTENT_SHA256: Slot = 4;

/** A canonical request without its per-request values: text parts with slots between them. */
interface CanonicalTemplate {
  /** `parts[0]`, the value of `slots[0]`, `parts[1]`, ...; one part more than slots. */
  readonly parts: readonly string[];
  readonly slots: readonly Slot[];
  /** The `SignedHeaders` list. */
  readonly signedHeaders: string;
  /** Where each header goes in the request's flat header list, with slots for the values that vary. */
  readonly headers: readonly (string | Slot)[];
}

/** A header value as SigV4 canonicalizes it: line breaks and runs of blanks to one space, trimmed. */
function canonicalValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function hexEncode(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** URI-encodes as SigV4 does: `encodeURIComponent`, and `!'()*` too. */
function escapeUri(uri: string): string {
  return encodeURIComponent(uri).replace(/[!'()*]/g, hexEncode);
}

/** The canonical path of a request, as the SDK's signer makes it with `uriEscapePath` (its default). */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function isSignable(name: string): boolean {
  return !(
    Object.hasOwn(ALWAYS_UNSIGNABLE_HEADERS, name) ||
    PROXY_HEADER_PATTERN.test(name) ||
    SEC_HEADER_PATTERN.test(name)
  );
}

/** `20260101T120000Z` for a time in milliseconds, as SigV4 writes it. */
function longDateOf(timeMs: number): string {
  const iso = new Date(timeMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * Signs the lean transport's requests with SigV4, as the SDK's `SignatureV4` would sign them. Returns
 * the request's headers as the flat `[name, value, ...]` list undici takes: the fixed ones, the target,
 * `x-amz-date`, `x-amz-security-token` (with a session token), `x-amz-content-sha256` (when
 * `applyChecksum`), and `authorization`.
 */
export class JsonRequestSigner {
  readonly #region: string;
  readonly #service: string;
  readonly #templates: readonly [CanonicalTemplate, CanonicalTemplate];
  /** The second the date strings below are for. */
  #second = Number.NaN;
  #longDate = '';
  #shortDate = '';
  #scope = '';
  /** `AWS4-HMAC-SHA256\n<long date>\n<scope>\n`: the string to sign before the request's hash. */
  #stringToSignPrefix = '';
  /** The signing key of `#keySecret` on `#keyDate`. */
  #key: Buffer | undefined;
  #keySecret = '';
  #keyDate = '';
  /** The last session token, and its canonical value. */
  #token = '';
  #canonicalToken = '';

  /** @param options - see {@link JsonRequestSignerOptions}. */
  constructor(options: JsonRequestSignerOptions) {
    this.#region = options.region;
    this.#service = options.service;
    this.#templates = [buildTemplate(options, false), buildTemplate(options, true)];
  }

  /**
   * The headers of one request, signed.
   *
   * @param credentials - resolved credentials (a session token adds `x-amz-security-token`).
   * @param target - the `x-amz-target` header (`AmazonSQS.ReceiveMessage`).
   * @param body - the request body, exactly as sent.
   * @param timeMs - the signing time, in milliseconds since the epoch (clock skew corrected).
   */
  sign(credentials: SigningCredentials, target: string, body: Buffer | string, timeMs: number): string[] {
    const second = Math.floor(timeMs / 1000);
    if (second !== this.#second) this.#setDate(second);
    const token = credentials.sessionToken;
    const hasToken = token !== undefined && token.length > 0;
    if (hasToken && token !== this.#token) {
      this.#token = token;
      this.#canonicalToken = canonicalValue(token);
    }
    const template = this.#templates[hasToken ? 1 : 0];
    const values: string[] = hasToken
      ? [target, this.#longDate, this.#token, this.#canonicalToken, hash('sha256', body, 'hex')]
      : [target, this.#longDate, '', '', hash('sha256', body, 'hex')];
    const { parts, slots } = template;
    let canonical = parts[0] as string;
    for (let index = 0; index < slots.length; index++) {
      canonical += (values[slots[index] as Slot] as string) + (parts[index + 1] as string);
    }
    const signature = createHmac('sha256', this.#signingKey(credentials.secretAccessKey))
      .update(this.#stringToSignPrefix + hash('sha256', canonical, 'hex'))
      .digest('hex');
    const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${this.#scope}, SignedHeaders=${template.signedHeaders}, Signature=${signature}`;
    const layout = template.headers;
    const headers = new Array<string>(layout.length + 2);
    for (let index = 0; index < layout.length; index++) {
      const entry = layout[index] as string | Slot;
      headers[index] = typeof entry === 'string' ? entry : (values[entry] as string);
    }
    headers[layout.length] = 'authorization';
    headers[layout.length + 1] = authorization;
    return headers;
  }

  #setDate(second: number): void {
    this.#second = second;
    this.#longDate = longDateOf(second * 1000);
    this.#shortDate = this.#longDate.slice(0, 8);
    this.#scope = `${this.#shortDate}/${this.#region}/${this.#service}/aws4_request`;
    this.#stringToSignPrefix = `${ALGORITHM}\n${this.#longDate}\n${this.#scope}\n`;
  }

  /** `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`, kept for the day. */
  #signingKey(secret: string): Buffer {
    if (this.#key === undefined || secret !== this.#keySecret || this.#shortDate !== this.#keyDate) {
      let key: Buffer | string = `AWS4${secret}`;
      for (const part of [this.#shortDate, this.#region, this.#service, 'aws4_request']) {
        key = createHmac('sha256', key).update(part).digest();
      }
      this.#key = key as Buffer;
      this.#keySecret = secret;
      this.#keyDate = this.#shortDate;
    }
    return this.#key;
  }
}

/** The canonical request and header layout of the signer's requests, with or without a session token. */
function buildTemplate(options: JsonRequestSignerOptions, hasToken: boolean): CanonicalTemplate {
  const values = new Map<string, string | Slot>();
  for (const [name, value] of Object.entries(options.headers)) {
    const lower = name.toLowerCase();
    if (!GENERATED_HEADERS.has(lower)) values.set(lower, value);
  }
  values.set(TARGET_HEADER, TARGET);
  values.set(DATE_HEADER, DATE);
  if (hasToken) values.set(TOKEN_HEADER, TOKEN);
  if (options.applyChecksum) values.set(CONTENT_SHA256_HEADER, CONTENT_SHA256);

  const headers: (string | Slot)[] = [];
  for (const [name, value] of values) headers.push(name, value);
  const signed = [...values.keys()].filter(isSignable).sort();
  const parts: string[] = [];
  const slots: Slot[] = [];
  let text = `POST\n${canonicalPath(options.path)}\n\n`;
  for (const name of signed) {
    const value = values.get(name) as string | Slot;
    text += `${name}:`;
    if (typeof value === 'string') {
      text += `${canonicalValue(value)}\n`;
    } else {
      parts.push(text);
      // The token is signed in its canonical form and sent as it is.
      slots.push(value === TOKEN ? CANONICAL_TOKEN : value);
      text = '\n';
    }
  }
  const signedHeaders = signed.join(';');
  text += `\n${signedHeaders}\n`;
  // The body's hash ends the canonical request, whether or not it is also sent as a header.
  parts.push(text);
  slots.push(CONTENT_SHA256);
  parts.push('');
  return { parts, slots, signedHeaders, headers };
}

/** The settings of the SDK's own SigV4 signer that a {@link JsonRequestSigner} needs to sign as it does. */
export interface SdkSignerSettings {
  /** The signing service. */
  readonly service: string;
  /** Whether the SDK's signer sends `x-amz-content-sha256`. */
  readonly applyChecksum: boolean;
  /** The signing region, as the signer resolves it. */
  readonly region: () => Promise<string>;
  /** The signer's credential provider: the client's, memoized and refreshed before expiry. */
  readonly credentials: () => Promise<SigningCredentials>;
}

/**
 * The settings of `signer` when it is the SDK's own `SignatureV4`, configured as a
 * {@link JsonRequestSigner} can sign for (escaped paths); undefined for anything else, which is then
 * left to sign its requests itself.
 */
export function sdkSignerSettings(signer: unknown): SdkSignerSettings | undefined {
  if (!(signer instanceof SignatureV4)) return undefined;
  const fields = signer as unknown as Record<string, unknown>;
  const { service, uriEscapePath, applyChecksum, regionProvider, credentialProvider } = fields;
  if (
    typeof service !== 'string' ||
    uriEscapePath !== true ||
    typeof applyChecksum !== 'boolean' ||
    typeof regionProvider !== 'function' ||
    typeof credentialProvider !== 'function'
  ) {
    return undefined;
  }
  return {
    service,
    applyChecksum,
    region: regionProvider as () => Promise<string>,
    credentials: credentialProvider as () => Promise<SigningCredentials>,
  };
}
