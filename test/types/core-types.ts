// Type tests: this file is only typechecked (`npm run typecheck`). Each `@ts-expect-error` must meet an
// error, or tsc fails; each assignment to an exact type proves an inference.
import { type } from 'arktype';
import type { ErrorHandler, HandlerContext, MessageMetadata, SnsMetadata } from 'loafer';
import {
  jsonTranslator,
  Manager,
  Route,
  retryAfter,
  snsTranslator,
  stringTranslator,
  withSchema,
} from 'loafer';
import { MemoryProvider } from 'loafer/testing';
import * as v from 'valibot';
import { z } from 'zod';

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_proof?: T): void {}

const provider = new MemoryProvider();

interface Friend {
  readonly id: string;
  readonly username: string;
}

// A typed translator types the handler's content.
new Route({
  name: 'typed',
  provider,
  messageTranslator: jsonTranslator<Friend>(),
  handler: (friend, context) => {
    expectType<Equal<typeof friend, Friend>>();
    expectType<Equal<typeof context, HandlerContext<MessageMetadata>>>();
    return friend.username.length > 0;
  },
});

// zod: the schema's output is the handler's content.
const FriendSchema = z.object({ id: z.string(), username: z.string(), github_url: z.string() });
new Route({
  name: 'zod',
  provider,
  messageTranslator: withSchema(snsTranslator(), FriendSchema),
  handler: async (friend, context) => {
    expectType<Equal<typeof friend, { id: string; username: string; github_url: string }>>();
    expectType<Equal<typeof context.metadata, SnsMetadata>>();
    return true;
  },
});

// valibot and arktype infer the same way.
new Route({
  name: 'valibot',
  provider,
  messageTranslator: withSchema(jsonTranslator(), v.object({ count: v.number() })),
  handler: (content) => {
    expectType<Equal<typeof content, { count: number }>>();
    return true;
  },
});
new Route({
  name: 'arktype',
  provider,
  messageTranslator: withSchema(jsonTranslator(), type({ count: 'number' })),
  handler: (content) => {
    expectType<Equal<typeof content, { count: number }>>();
    return true;
  },
});

// A transforming schema gives its output type, not its input type.
new Route({
  name: 'transform',
  provider,
  messageTranslator: withSchema(
    jsonTranslator(),
    z.object({ at: z.string() }).transform((value) => new Date(value.at)),
  ),
  handler: (content) => {
    expectType<Equal<typeof content, Date>>();
    return true;
  },
});

// Handler objects, sync and async results, retryAfter.
new Route({
  name: 'object',
  provider,
  messageTranslator: stringTranslator(),
  handler: {
    handle: async (text) => {
      expectType<Equal<typeof text, string>>();
      return text.length > 10 ? true : retryAfter(5);
    },
    stop: () => {},
  },
});

// A handler typed to return nothing must not compile: nobody acks by accident.
new Route({
  name: 'void',
  provider,
  messageTranslator: jsonTranslator(),
  // @ts-expect-error a handler must return a boolean (or retryAfter)
  handler: (_content: unknown) => {},
});
new Route({
  name: 'async-void',
  provider,
  messageTranslator: jsonTranslator(),
  // @ts-expect-error an async handler must resolve to a boolean
  handler: async (_content: unknown) => {
    await Promise.resolve();
  },
});
new Route({
  name: 'object-void',
  provider,
  messageTranslator: jsonTranslator(),
  // @ts-expect-error handle() must return a boolean too
  handler: { handle: (_content: unknown): void => {} },
});

// A handler that expects content its translator does not promise must not compile.
new Route({
  name: 'mismatch',
  provider,
  // @ts-expect-error content is { id: number }, not the Friend the handler expects
  messageTranslator: withSchema(jsonTranslator(), z.object({ id: z.number() })),
  handler: (friend: Friend) => friend.username === '',
});
new Route({
  name: 'unknown-content',
  provider,
  // @ts-expect-error untyped JSON is unknown: validate it or type the translator
  messageTranslator: jsonTranslator(),
  handler: (friend: Friend) => friend.username === '',
});

// Error handlers decide with their return value, so they must return one.
const deleteOnTimeout: ErrorHandler = (error) => error instanceof Error;
// @ts-expect-error an error handler must return a boolean
const forgetful: ErrorHandler = () => {};

// Routes of different content types run in one manager.
new Manager({
  routes: [
    new Route({ name: 'a', provider, messageTranslator: stringTranslator(), handler: () => true }),
    new Route({ name: 'b', provider, messageTranslator: jsonTranslator<Friend>(), handler: () => true }),
  ],
});

void deleteOnTimeout;
void forgetful;
