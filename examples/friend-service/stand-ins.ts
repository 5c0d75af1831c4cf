// Local stand-ins for the two HTTP APIs the friend service calls, so that the demo, the tests and a
// hand-driven run need no internet: the GitHub users API (`GET /github/users/:username`) and httpbin
// (`PATCH /httpbin/patch`, echoing the request as httpbin.org does). One node:http server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received. */
export interface StandInRequest {
  /** Which API it was for. */
  readonly api: 'github' | 'httpbin';
  readonly method: string;
  /** The path below the API's base URL, e.g. `/users/georgeyk`. */
  readonly path: string;
  /** The request body, as text. */
  readonly body: string;
  /** What the stand-in answered. */
  readonly status: number;
  /** What the stand-in answered, parsed. */
  readonly response: unknown;
}

/** Options of {@link startStandIns}. */
export interface StandInsOptions {
  /**
   * The port to listen on.
   *
   * @defaultValue 0 (a free port)
   */
  readonly port?: number;
  /**
   * The host to listen on.
   *
   * @defaultValue '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The GitHub logins the users API knows; any other answers 404 as GitHub does.
   *
   * @defaultValue `['georgeyk']`
   */
  readonly users?: readonly string[];
}

/** The running stand-ins. */
export interface StandIns {
  /** The GitHub API stand-in's base URL (give it to the handler as `githubApiUrl`). */
  readonly githubApiUrl: string;
  /** The httpbin stand-in's base URL (give it to the handler as `httpbinUrl`). */
  readonly httpbinUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly StandInRequest[];
  /** Makes `api` answer every request with `status` (a server error, say); `undefined` heals it. */
  fail(api: StandInRequest['api'], status: number | undefined): void;
  /** Calls `listener` after each answered request; returns a function that removes it. */
  onRequest(listener: (request: StandInRequest) => void): () => void;
  /** Closes the server. */
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `content-type` → `Content-Type`, as httpbin shows header names. */
function titleCase(name: string): string {
  return name
    .split('-')
    .map((part) => (part === '' ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('-');
}

function githubUser(login: string, id: number): Record<string, unknown> {
  return {
    login,
    id,
    type: 'User',
    html_url: `https://github.com/${login}`,
    url: `https://api.github.com/users/${login}`,
    repos_url: `https://api.github.com/users/${login}/repos`,
    site_admin: false,
  };
}

/**
 * Starts the stand-ins on one HTTP server.
 *
 * @example
 * ```ts
 * const apis = await startStandIns();
 * const handler = new FriendCreatedHandler({ githubApiUrl: apis.githubApiUrl, httpbinUrl: apis.httpbinUrl });
 * ```
 */
export async function startStandIns(options: StandInsOptions = {}): Promise<StandIns> {
  const users = new Map(
    (options.users ?? ['georgeyk']).map((login, index) => [login.toLowerCase(), index + 1]),
  );
  const failures = new Map<StandInRequest['api'], number>();
  const requests: StandInRequest[] = [];
  const listeners = new Set<(request: StandInRequest) => void>();

  function answer(
    api: StandInRequest['api'],
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: string,
  ): void {
    const { status, payload } = route(api, request, path, body);
    const text = JSON.stringify(payload, null, 2);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
    const record: StandInRequest = {
      api,
      method: request.method ?? 'GET',
      path,
      body,
      status,
      response: payload,
    };
    requests.push(record);
    for (const listener of listeners) listener(record);
  }

  function route(
    api: StandInRequest['api'],
    request: IncomingMessage,
    path: string,
    body: string,
  ): { status: number; payload: unknown } {
    const failure = failures.get(api);
    if (failure !== undefined) return { status: failure, payload: { message: 'stand-in failure' } };
    if (api === 'github') {
      const match = /^\/users\/([^/]+)$/.exec(path);
      const login = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
      const id = login === undefined ? undefined : users.get(login.toLowerCase());
      if (request.method !== 'GET' || login === undefined || id === undefined) {
        return {
          status: 404,
          payload: {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest/users/users#get-a-user',
            status: '404',
          },
        };
      }
      return { status: 200, payload: githubUser(login, id) };
    }
    if (path !== '/patch') return { status: 404, payload: { message: 'Not Found' } };
    if (request.method !== 'PATCH') return { status: 405, payload: { message: 'Method Not Allowed' } };
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      // httpbin reports a body that is not JSON as `json: null`.
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[titleCase(name)] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      status: 200,
      payload: {
        args: {},
        data: body,
        files: {},
        form: {},
        headers,
        json,
        origin: request.socket.remoteAddress ?? '',
        url: `http://${request.headers.host ?? 'localhost'}/patch`,
      },
    };
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const api = url.pathname.startsWith('/github/')
      ? 'github'
      : url.pathname.startsWith('/httpbin/')
        ? 'httpbin'
        : undefined;
    if (api === undefined) {
      response.writeHead(404).end();
      return;
    }
    const path = url.pathname.slice(api.length + 1);
    readBody(request).then(
      (body) => answer(api, request, response, path, body),
      () => response.writeHead(400).end(),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host}:${port}`;

  return {
    githubApiUrl: `${base}/github`,
    httpbinUrl: `${base}/httpbin`,
    requests,
    fail(api, status) {
      if (status === undefined) failures.delete(api);
      else failures.set(api, status);
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
}
