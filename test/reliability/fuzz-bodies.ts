// Generated message bodies for the fuzz test of the translators (test/unit/fuzz-translators.test.ts)
// and the full run's figures: random bytes, truncated JSON, huge strings, wrong types, broken and
// nested SNS envelopes, invalid UTF-16/UTF-8, schema-violating objects. Deterministic: one seed, one
// sequence. String values carry FUZZ_MARKER so that a test can check that no error message or log line
// echoes a body.
import { mulberry32, randomInt } from './prng.js';

/** Put into string values of generated bodies: it must never appear in an error message. */
export const FUZZ_MARKER = 'FZMK';

/** The kinds of generated bodies, with their share of the total. */
export const FUZZ_KINDS = {
  validFriend: 8,
  validSnsFriend: 8,
  schemaViolation: 12,
  wrongType: 7,
  truncatedJson: 12,
  randomBytesUtf8: 8,
  randomBytesLatin1: 4,
  invalidUnicode: 7,
  brokenEnvelope: 12,
  nestedEnvelope: 8,
  oddAttributes: 5,
  mutated: 6,
  emptyish: 2,
  deepNesting: 0.3,
  huge: 0.05,
} as const;

/** A kind of generated body. */
export type FuzzKind = keyof typeof FUZZ_KINDS;

/** One generated body. */
export interface FuzzBody {
  readonly index: number;
  readonly kind: FuzzKind;
  readonly body: string;
}

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:fuzz-topic';

/** Yields `count` bodies from `seed`. */
export function* generateBodies(seed: number, count: number): Generator<FuzzBody> {
  const random = mulberry32(seed);
  const kinds = Object.entries(FUZZ_KINDS) as Array<[FuzzKind, number]>;
  const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): FuzzKind => {
    let draw = random() * total;
    for (const [kind, weight] of kinds) {
      draw -= weight;
      if (draw < 0) return kind;
    }
    return 'validFriend';
  };
  const generator = new BodyGenerator(random);
  for (let index = 0; index < count; index++) {
    const kind = pick();
    yield { index, kind, body: generator.make(kind, index) };
  }
}

class BodyGenerator {
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  make(kind: FuzzKind, index: number): string {
    switch (kind) {
      case 'validFriend':
        return JSON.stringify(this.#friend(index));
      case 'validSnsFriend':
        return JSON.stringify(this.#envelope(JSON.stringify(this.#friend(index))));
      case 'schemaViolation':
        return JSON.stringify(this.#badFriend(index));
      case 'wrongType':
        return JSON.stringify(this.#wrongType(index));
      case 'truncatedJson': {
        const whole = this.#chance(0.5)
          ? JSON.stringify(this.#envelope(JSON.stringify(this.#friend(index))))
          : JSON.stringify(this.#friend(index));
        return whole.slice(0, randomInt(this.#random, 1, whole.length - 1));
      }
      case 'randomBytesUtf8':
        return Buffer.from(this.#bytes(randomInt(this.#random, 1, 300))).toString('utf8');
      case 'randomBytesLatin1':
        return Buffer.from(this.#bytes(randomInt(this.#random, 1, 300))).toString('latin1');
      case 'invalidUnicode':
        return this.#invalidUnicode(index);
      case 'brokenEnvelope':
        return JSON.stringify(this.#brokenEnvelope(index));
      case 'nestedEnvelope':
        return JSON.stringify(this.#nestedEnvelope(index));
      case 'oddAttributes':
        return JSON.stringify({
          ...this.#envelope(JSON.stringify(this.#friend(index))),
          MessageAttributes: this.#oddAttributes(index),
        });
      case 'mutated':
        return this.#mutate(
          JSON.stringify(
            this.#chance(0.5) ? this.#friend(index) : this.#envelope(JSON.stringify(this.#friend(index))),
          ),
        );
      case 'emptyish':
        return this.#one(['', ' ', '\n', '\t\r\n ', '\u00a0', '\ufeff', '\u0000']);
      case 'deepNesting': {
        const depth = randomInt(this.#random, 500, 5000);
        return this.#chance(0.5)
          ? `${'['.repeat(depth)}${']'.repeat(depth)}`
          : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      }
      case 'huge': {
        // Up to SQS's largest message (1 MiB), most of them around its former limit (256 KiB).
        const size = this.#chance(0.9)
          ? randomInt(this.#random, 100_000, 300_000)
          : randomInt(this.#random, 300_000, 1_000_000);
        return this.#one([
          () => `{"id":"${FUZZ_MARKER}${'x'.repeat(size)}","username":"u"}`,
          () => JSON.stringify(this.#envelope(`"${'y'.repeat(size)}"`)),
          () => `${FUZZ_MARKER}${'z'.repeat(size)}`,
          () => `{"id":"${FUZZ_MARKER}${'x'.repeat(size)}`,
          () => `[${'1,'.repeat(size / 2)}1]`,
        ])();
      }
    }
  }

  #chance(probability: number): boolean {
    return this.#random() < probability;
  }

  #one<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  #bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index++) bytes[index] = Math.floor(this.#random() * 256);
    return bytes;
  }

  #text(index: number): string {
    return `${FUZZ_MARKER}-${index}-${Math.floor(this.#random() * 1e9).toString(36)}`;
  }

  #friend(index: number): Record<string, unknown> {
    const friend: Record<string, unknown> = { id: this.#text(index), username: this.#text(index) };
    if (this.#chance(0.3)) friend.email = `${FUZZ_MARKER}${index}@example.com`;
    if (this.#chance(0.2)) friend.extra = { nested: [this.#text(index)] };
    return friend;
  }

  #badFriend(index: number): unknown {
    const friend = this.#friend(index);
    return this.#one<() => unknown>([
      () => ({ ...friend, id: randomInt(this.#random, -1e6, 1e6) }),
      () => ({ ...friend, username: null }),
      () => ({ ...friend, username: '' }),
      () => ({ id: friend.id }),
      () => ({ ...friend, email: this.#text(index) }),
      () => ({ ...friend, id: [friend.id] }),
      () => ({ ...friend, username: { value: friend.username } }),
      () => JSON.parse(`{"__proto__":{"polluted":"${FUZZ_MARKER}"},"id":"${this.#text(index)}"}`),
      () => ({ constructor: { prototype: { polluted: FUZZ_MARKER } }, username: this.#text(index) }),
      () => ({}),
    ])();
  }

  #wrongType(index: number): unknown {
    return this.#one<unknown>([
      null,
      true,
      false,
      0,
      -1.5e308,
      this.#text(index),
      [],
      [this.#friend(index)],
      [[[this.#text(index)]]],
      { Type: 'Notification' },
    ]);
  }

  #invalidUnicode(index: number): string {
    const friend = JSON.stringify(this.#friend(index));
    const bad = this.#one([
      '\ud800',
      '\udfff',
      '\ud83d',
      '\ufffe',
      '\uffff',
      '\u0000',
      '\u001b[31m',
      '\u202e',
      '\ufffd',
    ]);
    const at = randomInt(this.#random, 0, friend.length);
    return this.#one<() => string>([
      () => friend.slice(0, at) + bad + friend.slice(at),
      () => JSON.stringify({ id: `${this.#text(index)}${bad}`, username: bad }),
      () => JSON.stringify(this.#envelope(`{"id":"${this.#text(index)}${bad}","username":"u"}`)),
      // Invalid UTF-8 as it arrives when bytes are decoded leniently: replacement characters.
      () => Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0xe2, 0x82, 0x7d]).toString('utf8'),
      () => `"${bad.repeat(randomInt(this.#random, 1, 50))}"`,
    ])();
  }

  #envelope(message: string): Record<string, unknown> {
    const envelope: Record<string, unknown> = {
      Type: 'Notification',
      MessageId: `msg-${Math.floor(this.#random() * 1e9)}`,
      TopicArn: TOPIC,
      Message: message,
      Timestamp: '2026-11-28T12:00:00.000Z',
    };
    if (this.#chance(0.3)) envelope.Subject = this.#text(0);
    if (this.#chance(0.3)) {
      envelope.MessageAttributes = {
        kind: { Type: 'String', Value: this.#text(0) },
        n: { Type: 'Number', Value: '42' },
      };
    }
    return envelope;
  }

  #brokenEnvelope(index: number): unknown {
    const envelope = this.#envelope(JSON.stringify(this.#friend(index)));
    const broken = { ...envelope };
    const field = this.#one(['Type', 'Message', 'TopicArn', 'MessageId']);
    return this.#one<() => unknown>([
      () => {
        delete broken[field];
        return broken;
      },
      () => ({ ...broken, [field]: this.#one<unknown>([null, 42, true, [], {}, [field]]) }),
      () => ({
        ...broken,
        Type: this.#one(['SubscriptionConfirmation', 'UnsubscribeConfirmation', 'notification', '']),
      }),
      () => ({ ...broken, Message: JSON.stringify(this.#friend(index)).slice(0, 10) }),
      () => ({ ...broken, Message: '' }),
      () => ({ ...broken, Message: this.#text(index) }),
      () => ({ ...broken, Message: JSON.stringify(this.#badFriend(index)) }),
      () => [broken],
    ])();
  }

  #nestedEnvelope(index: number): unknown {
    const inner = this.#envelope(JSON.stringify(this.#friend(index)));
    return this.#one<() => unknown>([
      // SNS to SNS to SQS: the Message is itself an envelope.
      () => this.#envelope(JSON.stringify(inner)),
      () => this.#envelope(JSON.stringify(this.#envelope(JSON.stringify(inner)))),
      // Double-encoded Message.
      () => this.#envelope(JSON.stringify(JSON.stringify(this.#friend(index)))),
      // Message is an object, not a string.
      () => ({ ...inner, Message: this.#friend(index) }),
      () => ({ ...inner, Message: inner }),
    ])();
  }

  #oddAttributes(index: number): unknown {
    return this.#one<unknown>([
      null,
      'attributes',
      [1, 2, 3],
      { a: null, b: 'x', c: 42 },
      { bin: { Type: 'Binary', Value: `${this.#text(index)}!!not base64` } },
      { num: { Type: 'Number', Value: this.#text(index) } },
      { num: { Type: 'Number.float', Value: { nested: true } } },
      { arr: { Type: 'String.Array', Value: '[1,2' } },
      { weird: { Type: 42, Value: 'x' } },
      { noValue: { Type: 'String' } },
      JSON.parse(`{"__proto__":{"Type":"String","Value":"${FUZZ_MARKER}"}}`),
    ]);
  }

  #mutate(text: string): string {
    const characters = [...text];
    const edits = randomInt(this.#random, 1, 5);
    for (let edit = 0; edit < edits; edit++) {
      const at = randomInt(this.#random, 0, Math.max(0, characters.length - 1));
      const operation = randomInt(this.#random, 0, 2);
      const character = this.#one(['"', '{', '}', '[', ']', ',', ':', '\\', 'x', '\u0000', '\n']);
      if (operation === 0) characters.splice(at, 1);
      else if (operation === 1) characters.splice(at, 0, character);
      else characters[at] = character;
    }
    return characters.join('');
  }
}
