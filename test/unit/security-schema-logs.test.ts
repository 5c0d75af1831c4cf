// Some validators (valibot, arktype) quote the received value in their issue messages. A schema
// failure is logged at error level, so those words must not reach a real logger's output: the
// TranslationError's message names only where the content is wrong, and its `issues` (kept for error
// handlers) are not enumerable, so pino's error serializer leaves them out. The issues are logged at
// debug, where bodies are allowed.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { type } from 'arktype';
import type { StandardSchemaV1 } from 'loafer';
import { isTranslationError, jsonTranslator, Manager, Route, withSchema } from 'loafer';
import { MemoryProvider } from 'loafer/testing';
import { pino } from 'pino';
import * as v from 'valibot';
import { z } from 'zod';

const MARKER = 'BODY-MARKER-5c1e7';

async function pinoOutputOfSchemaFailure(schema: StandardSchemaV1, level: 'info' | 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level }, destination);
  const provider = new MemoryProvider();
  provider.send({ id: 'a', email: `${MARKER} at corp`, tag: MARKER });
  const errors: unknown[] = [];
  const route = new Route({
    name: 'schema',
    provider,
    messageTranslator: withSchema(jsonTranslator(), schema),
    handler: () => true,
    errorHandler: (error) => {
      errors.push(error);
      return false;
    },
  });
  await new Manager({ routes: [route], logger }).runOnce();
  return { text: lines.join(''), errors };
}

const schemas: Record<string, StandardSchemaV1> = {
  zod: z.object({ id: z.string(), email: z.email(), tag: z.enum(['a', 'b']) }),
  valibot: v.object({ id: v.string(), email: v.pipe(v.string(), v.email()), tag: v.picklist(['a', 'b']) }),
  arktype: type({ id: 'string', email: 'string.email', tag: "'a' | 'b'" }),
};

describe('schema failures in logs', () => {
  for (const [vendor, schema] of Object.entries(schemas)) {
    it(`keeps ${vendor}'s quoted values out of logs above debug, and gives them to the error handler`, async () => {
      const { text, errors } = await pinoOutputOfSchemaFailure(schema, 'info');

      assert.match(text, /message could not be translated/);
      assert.match(text, /content does not match the route's schema: 2 issues at `email`, `tag`/);
      assert.equal(text.includes(MARKER), false, `the body marker reached the log:\n${text}`);
      const [error] = errors;
      assert.ok(isTranslationError(error));
      assert.deepEqual(
        error.issues.map((issue) => issue.path.join('.')),
        ['email', 'tag'],
      );
    });
  }

  it('logs the issues at debug', async () => {
    const { text } = await pinoOutputOfSchemaFailure(schemas.valibot as StandardSchemaV1, 'debug');

    assert.match(text, /"msg":"schema issues"/);
  });
});
