// The tutorial's "validate without any infrastructure": the friend handler called directly, with no
// queue, no topic and no manager. Its two HTTP APIs are local stand-ins on 127.0.0.1 (port 0).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MemoryLogger } from 'loafer/testing';
import { FriendCreatedHandler, HttpStatusError } from '../../examples/friend-service/handlers.js';
import type { StandIns } from '../../examples/friend-service/stand-ins.js';
import { startStandIns } from '../../examples/friend-service/stand-ins.js';

const EVENT = { id: 'test-1', username: 'georgeyk', github_url: '' } as const;

describe('FriendCreatedHandler', () => {
  let apis: StandIns;
  let handler: FriendCreatedHandler;
  let seen: number;

  before(async () => {
    apis = await startStandIns({ users: ['georgeyk'] });
  });
  after(async () => {
    await apis.stop();
  });
  beforeEach(() => {
    apis.fail('github', undefined);
    apis.fail('httpbin', undefined);
    seen = apis.requests.length;
    handler = new FriendCreatedHandler({ githubApiUrl: apis.githubApiUrl, httpbinUrl: apis.httpbinUrl });
  });
  const newRequests = () => apis.requests.slice(seen);

  describe('handle()', () => {
    it('looks the user up on GitHub and PATCHes { id, github_url } when github_url is empty', async () => {
      const result = await handler.handle({ ...EVENT });

      assert.equal(result, true);
      assert.deepEqual(
        newRequests().map(({ api, method, path }) => [api, method, path]),
        [
          ['github', 'GET', '/users/georgeyk'],
          ['httpbin', 'PATCH', '/patch'],
        ],
      );
      assert.deepEqual(JSON.parse(newRequests()[1]?.body ?? ''), {
        id: 'test-1',
        github_url: 'https://github.com/georgeyk',
      });
    });

    it('logs the httpbin response, as the tutorial prints it', async () => {
      const logger = new MemoryLogger();

      await handler.handle({ ...EVENT }, { logger });

      const patched = logger.records.find((record) => record.message === 'friend patched');
      const response = patched?.fields.response as { json?: unknown; headers?: Record<string, string> };
      assert.deepEqual(response.json, { id: 'test-1', github_url: 'https://github.com/georgeyk' });
      assert.equal(response.headers?.['Content-Type'], 'application/json');
    });

    it('returns true without calling anything when github_url is already set', async () => {
      const result = await handler.handle({ ...EVENT, github_url: 'https://github.com/georgeyk' });

      assert.equal(result, true);
      assert.deepEqual(newRequests(), []);
    });

    it('throws when GitHub answers 404 for an unknown user, and patches nothing', async () => {
      const attempt = handler.handle({ ...EVENT, username: 'nobody-by-this-name' });

      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof HttpStatusError);
        assert.equal(error.status, 404);
        assert.match(error.message, /GitHub users API answered 404/);
        return true;
      });
      assert.deepEqual(
        newRequests().map((request) => request.api),
        ['github'],
      );
    });

    it('throws when GitHub answers 500, and patches nothing', async () => {
      apis.fail('github', 500);

      const attempt = handler.handle({ ...EVENT });

      await assert.rejects(
        attempt,
        (error: unknown) => error instanceof HttpStatusError && error.status === 500,
      );
      assert.deepEqual(
        newRequests().map((request) => request.api),
        ['github'],
      );
    });

    it('throws when httpbin answers 502', async () => {
      apis.fail('httpbin', 502);

      const attempt = handler.handle({ ...EVENT });

      await assert.rejects(
        attempt,
        (error: unknown) => error instanceof HttpStatusError && error.status === 502,
      );
    });

    it('gives up when the context’s signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('handler timeout'));

      const attempt = handler.handle({ ...EVENT }, { signal: controller.signal });

      await assert.rejects(attempt, /handler timeout/);
      assert.deepEqual(newRequests(), []);
    });
  });

  describe('stop()', () => {
    it('aborts requests started afterwards', async () => {
      handler.stop();

      const attempt = handler.handle({ ...EVENT });

      await assert.rejects(attempt, /friend handler stopped/);
      assert.deepEqual(newRequests(), []);
    });
  });
});
