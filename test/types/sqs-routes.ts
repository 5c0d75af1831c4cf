// Type tests for sqsRoute() and snsQueueRoute(): only typechecked (`npm run typecheck`), never run.
// Each `@ts-expect-error` is a program that must not compile; tsc fails if it does compile.
import { SQSClient } from '@aws-sdk/client-sqs';
import { type } from 'arktype';
import type { MessageMetadata, Route, SnsMetadata } from 'loafer';
import { snsQueueRoute, sqsRoute } from 'loafer/sqs';
import { MemoryProvider } from 'loafer/testing';
import * as v from 'valibot';
import { z } from 'zod';

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_check?: T): void {}

interface Friend {
  readonly id: string;
  readonly username: string;
}

const Friend = z.object({ id: z.string(), username: z.string(), github_url: z.string().optional() });

// ---- with a schema, the handler's content is the schema's output, inferred ----

export const zodRoute = sqsRoute('friends', {
  schema: Friend,
  handler: (friend, context) => {
    expectType<Equal<typeof friend, { id: string; username: string; github_url?: string | undefined }>>();
    expectType<Equal<typeof context.metadata, MessageMetadata>>();
    return friend.username.length > 0;
  },
});
expectType<Equal<typeof zodRoute, Route<z.infer<typeof Friend>, MessageMetadata>>>();

export const valibotRoute = snsQueueRoute('friends', {
  schema: v.object({ id: v.string(), age: v.number() }),
  handler: async (content, { metadata }) => {
    expectType<Equal<typeof content, { id: string; age: number }>>();
    expectType<Equal<typeof metadata, SnsMetadata>>();
    return metadata.sns?.topicArn !== undefined;
  },
});

export const arktypeRoute = sqsRoute('orders', {
  schema: type({ total: 'number' }),
  handler: (order) => order.total > 0,
});

export const transformingSchema = sqsRoute('dates', {
  schema: z.object({ at: z.string().transform((text) => new Date(text)) }),
  handler: ({ at }) => {
    expectType<Equal<typeof at, Date>>();
    return true;
  },
});

// ---- without a schema: unknown by default, or the type given ----

export const untyped = sqsRoute('anything', {
  handler: (content) => {
    expectType<Equal<typeof content, unknown>>();
    return true;
  },
});
expectType<Equal<typeof untyped, Route<unknown, MessageMetadata>>>();

export const explicit = sqsRoute<Friend>('friends', {
  handler: async (friend) => friend.id.length > 0,
});
expectType<Equal<typeof explicit, Route<Friend, MessageMetadata>>>();

export const explicitSns = snsQueueRoute<Friend>('friends', {
  rawDelivery: 'accept',
  handler: (friend, { metadata }) => friend.username === metadata.messageId,
});
expectType<Equal<typeof explicitSns, Route<Friend, SnsMetadata>>>();

// ---- handler objects, providers, options ----

export const withObjectHandler = sqsRoute('friends', {
  schema: Friend,
  handler: {
    handle: (friend) => friend.id !== '',
    stop: async () => {},
  },
});

export const withProvider = sqsRoute('memory', {
  provider: new MemoryProvider(),
  concurrency: 50,
  handlerTimeoutMs: 1000,
  handler: () => true,
});

export const withClient = snsQueueRoute('friends', {
  client: new SQSClient({}),
  waitTimeSeconds: 10,
  visibilityTimeoutSeconds: 60,
  name: 'friend-created',
  handler: () => false,
});

// ---- what must not compile ----

sqsRoute('friends', {
  schema: Friend,
  // @ts-expect-error a handler that returns nothing could ack by accident
  handler: (friend) => {
    void friend;
  },
});

sqsRoute<Friend>('friends', {
  // @ts-expect-error an async handler that resolves to nothing
  handler: async () => {},
});

// @ts-expect-error the handler expects other content than the schema gives
sqsRoute('friends', {
  schema: Friend,
  handler: (order: { total: number }) => order.total > 0,
});

sqsRoute<Friend>('friends', {
  // @ts-expect-error the handler expects other content than the route's type
  handler: (order: { total: number }) => order.total > 0,
});

sqsRoute('friends', {
  schema: Friend,
  handler: (friend) => {
    // @ts-expect-error the schema has no `email`
    return friend.email !== undefined;
  },
});

// @ts-expect-error provider options cannot be given with a ready provider
sqsRoute('friends', {
  provider: new MemoryProvider(),
  region: 'eu-west-1',
  handler: () => true,
});

// @ts-expect-error a route needs a handler
sqsRoute('friends', { region: 'eu-west-1' });

snsQueueRoute('friends', {
  // @ts-expect-error rawDelivery is `reject` or `accept`
  rawDelivery: 'maybe',
  handler: () => true,
});

sqsRoute('friends', {
  // @ts-expect-error the SQS route has no rawDelivery
  rawDelivery: 'accept',
  handler: () => true,
});
