// REPRODUCER (open finding, not part of `npm test`; run with
//   node scripts/run-tests.mjs test/reliability/reproducers
// ): valibot and arktype put the received value in their issue messages ("Invalid email: Received
// \"jane@corp.example\"", "must be an email address (was \"...\")"). withSchema() copies the issue
// messages into the TranslationError's message (and `issues`), and the route logs that error at error
// level ('message could not be translated'): message content reaches the logs above debug. zod's
// messages do not carry values, so the same run with zod is clean (test/unit/security-logs.test.ts).
// A fix could keep only each issue's path and a value-free kind in the message, and leave the
// validator's own messages to `issues`, logged at debug at most.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type } from 'arktype';
import type { StandardSchemaV1 } from 'loafer';
import { jsonTranslator, Manager, Route, withSchema } from 'loafer';
import { MemoryLogger, MemoryProvider } from 'loafer/testing';
import * as v from 'valibot';
import { leaksInRecords } from '../log-search.js';

const BODY_MARKER = 'BODY-MARKER-9d02aa';

async function logsOfSchemaFailure(schema: StandardSchemaV1): Promise<MemoryLogger> {
  const provider = new MemoryProvider();
  provider.send({ id: 'a', email: `${BODY_MARKER}@corp.example`, tag: BODY_MARKER });
  const logger = new MemoryLogger();
  const route = new Route({
    name: 'schema',
    provider,
    messageTranslator: withSchema(jsonTranslator(), schema),
    handler: () => true,
  });
  const manager = new Manager({ routes: [route], logger });
  const handled = new Promise<void>((resolve) => manager.on('messageHandled', () => resolve()));
  const running = manager.run();
  await handled;
  await manager.stop();
  await running;
  return logger;
}

describe('REPRODUCER: schema failures echo message content into error logs', () => {
  it('valibot', async () => {
    const schema = v.object({
      id: v.string(),
      email: v.pipe(v.string(), v.email()),
      tag: v.picklist(['a', 'b']),
    });

    const logger = await logsOfSchemaFailure(schema);

    assert.deepEqual(leaksInRecords(logger.records, [BODY_MARKER]), []);
  });

  it('arktype', async () => {
    const schema = type({ id: 'string', email: 'string.email', tag: "'a' | 'b'" });

    const logger = await logsOfSchemaFailure(schema);

    assert.deepEqual(leaksInRecords(logger.records, [BODY_MARKER]), []);
  });
});
