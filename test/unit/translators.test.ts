import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type } from 'arktype';
import type { InboundMessage } from 'loafer';
import {
  isTranslationError,
  jsonTranslator,
  rawTranslator,
  snsTranslator,
  stringTranslator,
  type TranslationError,
  withSchema,
} from 'loafer';
import * as v from 'valibot';
import { z } from 'zod';

function message(body: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  return {
    id: 'm-1',
    body,
    receiveCount: 2,
    attributes: {},
    systemAttributes: { SenderId: 'x' },
    raw: {},
    ...extra,
  };
}

function envelope(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:friend-created',
    Subject: 'created',
    Message: JSON.stringify({ id: 'test-1', username: 'georgeyk', github_url: '' }),
    Timestamp: '2026-11-28T12:00:00.000Z',
    MessageAttributes: {
      kind: { Type: 'String', Value: 'friend' },
      count: { Type: 'Number', Value: '42' },
      blob: { Type: 'Binary', Value: Buffer.from('hi').toString('base64') },
      tags: { Type: 'String.Array', Value: '["a","b"]' },
    },
    ...fields,
  });
}

async function translationError(run: () => unknown): Promise<TranslationError> {
  try {
    await run();
  } catch (error) {
    assert.ok(isTranslationError(error), `expected a TranslationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a TranslationError');
}

describe('jsonTranslator()', () => {
  it('parses the body and keeps the message facts in metadata', () => {
    const result = jsonTranslator().translate(message('{"id":"test-1"}'));

    assert.deepEqual(result.content, { id: 'test-1' });
    assert.equal(result.metadata.messageId, 'm-1');
    assert.equal(result.metadata.receiveCount, 2);
    assert.deepEqual(result.metadata.systemAttributes, { SenderId: 'x' });
  });

  it('rejects an empty body with EMPTY_BODY', async () => {
    const error = await translationError(() => jsonTranslator().translate(message('  ')));

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_EMPTY_BODY');
  });

  it('rejects a body that is not JSON with NOT_JSON, without quoting the body', async () => {
    const error = await translationError(() => jsonTranslator().translate(message('secret-body-marker {')));

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
    assert.match(error.message, /not valid JSON \(unexpected token.*; 20 characters\)/);
    assert.doesNotMatch(error.message, /secret-body-marker/);
    assert.equal(error.cause, undefined);
  });
});

describe('snsTranslator()', () => {
  it('decodes the envelope Message and keeps the envelope fields in metadata.sns', () => {
    const result = snsTranslator().translate(message(envelope()));

    assert.deepEqual(result.content, { id: 'test-1', username: 'georgeyk', github_url: '' });
    assert.equal(result.metadata.sns?.topicArn, 'arn:aws:sns:us-east-1:000000000000:friend-created');
    assert.equal(result.metadata.sns?.messageId, 'sns-1');
    assert.equal(result.metadata.sns?.subject, 'created');
    assert.equal(result.metadata.sns?.timestamp, '2026-11-28T12:00:00.000Z');
    assert.equal(result.metadata.messageId, 'm-1');
  });

  it('types the envelope message attributes', () => {
    const attributes = snsTranslator().translate(message(envelope())).metadata.sns?.messageAttributes;

    assert.deepEqual(attributes?.kind, { dataType: 'String', value: 'friend' });
    assert.deepEqual(attributes?.count, { dataType: 'Number', value: 42, text: '42' });
    assert.deepEqual(attributes?.blob?.value, Buffer.from('hi'));
    assert.deepEqual(attributes?.tags, { dataType: 'String.Array', value: ['a', 'b'], text: '["a","b"]' });
  });

  it('keeps the Message as text with messageFormat: string', () => {
    const result = snsTranslator({ messageFormat: 'string' }).translate(
      message(envelope({ Message: 'hello' })),
    );

    assert.equal(result.content, 'hello');
  });

  it('rejects a JSON body that is not an envelope with NOT_SNS_ENVELOPE', async () => {
    const error = await translationError(() => snsTranslator().translate(message('{"id":"test-1"}')));

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE');
    assert.match(error.message, /no `Type` field/);
  });

  it('says which envelope field is wrong', async () => {
    const error = await translationError(() => snsTranslator().translate(message(envelope({ Message: 42 }))));

    assert.match(error.message, /`Message` is missing or not a string/);
  });

  it('rejects an envelope whose Message is not JSON with NOT_JSON', async () => {
    const error = await translationError(() =>
      snsTranslator().translate(message(envelope({ Message: 'oops' }))),
    );

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
    assert.match(error.message, /^SNS Message is not valid JSON/);
  });

  it('accepts raw-delivery bodies with rawDelivery: accept', () => {
    const translator = snsTranslator({ rawDelivery: 'accept' });

    const raw = translator.translate(message('{"id":"test-1"}'));
    const enveloped = translator.translate(message(envelope()));

    assert.deepEqual(raw.content, { id: 'test-1' });
    assert.equal(raw.metadata.sns, undefined);
    assert.equal(enveloped.metadata.sns?.messageId, 'sns-1');
  });

  it('still rejects a raw-delivery body that is not JSON', async () => {
    const error = await translationError(() =>
      snsTranslator({ rawDelivery: 'accept' }).translate(message('x')),
    );

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
  });

  it('fails at construction on an unknown option value', () => {
    assert.throws(() => snsTranslator({ rawDelivery: 'maybe' as 'accept' }), {
      code: 'LOAFER_ERR_CONFIG_INVALID_OPTION',
      message: 'Expected `rawDelivery` to be one of `reject`, `accept`, got `"maybe"` (string)',
    });
  });
});

describe('stringTranslator() and rawTranslator()', () => {
  it('gives the body as text', () => {
    assert.equal(stringTranslator().translate(message('plain')).content, 'plain');
  });

  it('rejects an empty body only when asked', async () => {
    assert.equal(stringTranslator().translate(message('')).content, '');
    const error = await translationError(() =>
      stringTranslator({ isEmptyRejected: true }).translate(message('')),
    );

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_EMPTY_BODY');
  });

  it('gives the fetched message itself with rawTranslator', () => {
    const fetched = message('x');

    assert.equal(rawTranslator().translate(fetched).content, fetched);
  });
});

describe('withSchema()', () => {
  const schemas = {
    zod: z.object({ id: z.string(), count: z.number().int() }),
    valibot: v.object({ id: v.string(), count: v.pipe(v.number(), v.integer()) }),
    arktype: type({ id: 'string', count: 'number.integer' }),
  };

  for (const [vendor, schema] of Object.entries(schemas)) {
    it(`validates content with ${vendor}`, async () => {
      const translator = withSchema(jsonTranslator(), schema);

      const ok = await translator.translate(message('{"id":"a","count":1}'));
      const error = await translationError(() => translator.translate(message('{"id":5,"count":1.5}')));

      assert.deepEqual(ok.content, { id: 'a', count: 1 });
      assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED');
      assert.match(
        error.message,
        /^content does not match the route's schema: 2 issues at `(id|count)`, `(id|count)` \(see error.issues\)$/,
      );
      assert.deepEqual(error.issues.map((issue) => issue.path.join('.')).sort(), ['count', 'id']);
    });
  }

  it('keeps the inner translator errors as they are', async () => {
    const error = await translationError(() =>
      withSchema(jsonTranslator(), schemas.zod).translate(message('{')),
    );

    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_NOT_JSON');
  });

  it('handles async schemas', async () => {
    const schema = z.object({ id: z.string() }).refine(async (value) => value.id !== 'bad');

    const translator = withSchema(jsonTranslator(), schema);

    assert.deepEqual((await translator.translate(message('{"id":"ok"}'))).content, { id: 'ok' });
    const error = await translationError(() => translator.translate(message('{"id":"bad"}')));
    assert.equal(error.code, 'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED');
  });

  it('refuses something that is not a Standard Schema', () => {
    assert.throws(() => withSchema(jsonTranslator(), {} as never), {
      code: 'LOAFER_ERR_CONFIG_INVALID_OPTION',
    });
  });
});
