// The tutorial's handler: when a friend is created without a GitHub URL, look the user up on the
// GitHub users API and PATCH the URL back (to httpbin, standing in for the service that owns friends).
import type { HandlerContext, Logger } from 'loafer';
import { silentLogger } from 'loafer';

/** A "friend-created" event, as published to the `friend-created` topic. */
export interface FriendCreated {
  /** The friend's id. */
  readonly id: string;
  /** The friend's GitHub login. */
  readonly username: string;
  /** The friend's GitHub profile URL; empty when nobody filled it in yet. */
  readonly github_url: string;
}

/** Options of {@link FriendCreatedHandler}. */
export interface FriendCreatedHandlerOptions {
  /**
   * The GitHub REST API's base URL; `GET {githubApiUrl}/users/{username}` is called.
   *
   * @defaultValue 'https://api.github.com'
   */
  readonly githubApiUrl?: string;
  /**
   * An httpbin's base URL; `PATCH {httpbinUrl}/patch` receives `{ id, github_url }`.
   *
   * @defaultValue 'https://httpbin.org'
   */
  readonly httpbinUrl?: string;
  /**
   * The fetch function used for both APIs.
   *
   * @defaultValue the global `fetch`
   */
  readonly fetch?: typeof fetch;
  /**
   * Where `handle()` logs when it is called without a context logger (as in a plain test).
   *
   * @defaultValue a logger that drops everything
   */
  readonly logger?: Logger;
}

/** What `handle()` uses from loafer's context; a test may pass nothing at all. */
export type FriendHandlerContext = Partial<Pick<HandlerContext, 'signal' | 'logger'>>;

/** An API answered with a status other than 2xx. Thrown, so the message stays in the queue. */
export class HttpStatusError extends Error {
  /** The HTTP status received. */
  readonly status: number;
  /** The URL that was called. */
  readonly url: string;

  /**
   * @param api - which API answered, for the message.
   * @param response - the response received.
   */
  constructor(api: string, response: Response) {
    super(`${api} answered ${response.status} ${response.statusText} for ${response.url}`);
    this.name = 'HttpStatusError';
    this.status = response.status;
    this.url = response.url;
  }
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * Fills in a friend's `github_url`. `handle()` returns `true` (delete the message) once the PATCH
 * succeeded, or at once when the URL is already set. An API that does not answer 2xx makes it throw:
 * the message is not deleted and comes back after the queue's visibility timeout (and, after
 * `maxReceiveCount` attempts, goes to the dead-letter queue).
 *
 * One instance serves concurrent messages: nothing about a message is stored on it.
 */
export class FriendCreatedHandler {
  readonly #githubApiUrl: string;
  readonly #httpbinUrl: string;
  readonly #fetch: typeof fetch;
  readonly #logger: Logger;
  /** Aborted by stop(): requests of abandoned handlers do not outlive the service. */
  readonly #stopped = new AbortController();

  /** @param options - see {@link FriendCreatedHandlerOptions}. */
  constructor(options: FriendCreatedHandlerOptions = {}) {
    this.#githubApiUrl = trimSlash(options.githubApiUrl ?? 'https://api.github.com');
    this.#httpbinUrl = trimSlash(options.httpbinUrl ?? 'https://httpbin.org');
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Handles one event.
   *
   * @param message - the event.
   * @param context - loafer's context (its `signal` and `logger` are used).
   * @returns `true` when the friend needs nothing more.
   * @throws {HttpStatusError} when an API answers with a non-2xx status.
   */
  async handle(message: FriendCreated, context: FriendHandlerContext = {}): Promise<boolean> {
    const logger = context.logger ?? this.#logger;
    if (message.github_url !== '') {
      logger.info({ id: message.id }, 'github url already set: nothing to do');
      return true;
    }
    const signal =
      context.signal === undefined
        ? this.#stopped.signal
        : AbortSignal.any([context.signal, this.#stopped.signal]);

    const userUrl = `${this.#githubApiUrl}/users/${encodeURIComponent(message.username)}`;
    logger.info({ id: message.id, username: message.username, url: userUrl }, 'looking up github user');
    const userResponse = await this.#fetch(userUrl, {
      headers: { accept: 'application/vnd.github+json', 'user-agent': 'loafer-friend-service' },
      signal,
    });
    if (!userResponse.ok) throw new HttpStatusError('GitHub users API', userResponse);
    const user = (await userResponse.json()) as { html_url?: unknown };
    if (typeof user.html_url !== 'string' || user.html_url === '') {
      throw new Error(`GitHub users API returned no html_url for ${message.username}`);
    }

    const patchUrl = `${this.#httpbinUrl}/patch`;
    const body = JSON.stringify({ id: message.id, github_url: user.html_url });
    logger.info({ id: message.id, github_url: user.html_url, url: patchUrl }, 'patching friend');
    const patchResponse = await this.#fetch(patchUrl, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'user-agent': 'loafer-friend-service' },
      body,
      signal,
    });
    if (!patchResponse.ok) throw new HttpStatusError('httpbin', patchResponse);
    const response: unknown = await patchResponse.json();
    logger.info({ id: message.id, response }, 'friend patched');
    return true;
  }

  /** Called by the manager once, after the last message: aborts requests still running. */
  stop(): void {
    this.#stopped.abort(new Error('friend handler stopped'));
  }
}
