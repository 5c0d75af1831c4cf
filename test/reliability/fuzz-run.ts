// Fuzzed bodies through every translator: the shared part of test/unit/fuzz-translators.test.ts and
// the full run's figures. Every failure must be a TranslationError with a known code and a readable
// reason that does not echo the body.
import type { InboundMessage, MessageTranslator } from 'loafer';
import {
  isTranslationError,
  jsonTranslator,
  rawTranslator,
  snsTranslator,
  stringTranslator,
  withSchema,
} from 'loafer';
import { z } from 'zod';
import type { FuzzBody, FuzzKind } from './fuzz-bodies.js';
import { FUZZ_MARKER, generateBodies } from './fuzz-bodies.js';

/** The codes a translation failure may carry. */
export const TRANSLATION_CODES: ReadonlySet<string> = new Set([
  'LOAFER_ERR_TRANSLATION_EMPTY_BODY',
  'LOAFER_ERR_TRANSLATION_NOT_JSON',
  'LOAFER_ERR_TRANSLATION_NOT_SNS_ENVELOPE',
  'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
  'LOAFER_ERR_TRANSLATION_FAILED',
]);

/** The schema of the fuzz routes (zod). */
export const Friend = z.object({
  id: z.string(),
  username: z.string().min(1),
  email: z.email().optional(),
});

/** Every translator, by how it is built. */
export const FUZZ_TRANSLATORS: ReadonlyArray<readonly [string, MessageTranslator<unknown, unknown>]> = [
  ['jsonTranslator()', jsonTranslator()],
  ['snsTranslator()', snsTranslator()],
  ["snsTranslator({ messageFormat: 'string' })", snsTranslator({ messageFormat: 'string' })],
  ["snsTranslator({ rawDelivery: 'accept' })", snsTranslator({ rawDelivery: 'accept' })],
  [
    "snsTranslator({ rawDelivery: 'accept', messageFormat: 'string' })",
    snsTranslator({ rawDelivery: 'accept', messageFormat: 'string' }),
  ],
  ['stringTranslator()', stringTranslator()],
  ['stringTranslator({ isEmptyRejected: true })', stringTranslator({ isEmptyRejected: true })],
  ['rawTranslator()', rawTranslator()],
  ['withSchema(jsonTranslator(), Friend)', withSchema(jsonTranslator(), Friend)],
  ['withSchema(snsTranslator(), Friend)', withSchema(snsTranslator(), Friend)],
  [
    "withSchema(snsTranslator({ rawDelivery: 'accept' }), Friend)",
    withSchema(snsTranslator({ rawDelivery: 'accept' }), Friend),
  ],
];

/** A fetched message carrying a generated body. */
export function inbound(body: FuzzBody): InboundMessage {
  return {
    id: `fuzz-${body.index}`,
    body: body.body,
    receiveCount: 1,
    attributes: {},
    systemAttributes: {},
    raw: undefined,
  };
}

/**
 * Translates; returns (or resolves with) the error when it fails, undefined when it succeeds. Never
 * throws: a translator that throws or rejects with nothing gets an Error that says so.
 */
export function translate(
  translator: MessageTranslator<unknown, unknown>,
  message: InboundMessage,
): unknown | Promise<unknown> {
  try {
    const result = translator.translate(message);
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result).then(
        () => undefined,
        (error: unknown) => error ?? new Error('rejected with nothing'),
      );
    }
    return undefined;
  } catch (error) {
    return error ?? new Error('threw nothing');
  }
}

/** Why `error` is not an acceptable translation failure, or undefined when it is one. */
export function problemWith(error: unknown): string | undefined {
  if (!isTranslationError(error)) return `not a TranslationError: ${String(error)}`;
  if (!TRANSLATION_CODES.has(error.code)) return `unexpected code ${error.code}`;
  const text = error.message;
  if (text.length < 8 || text.length > 600) return `unreadable reason (${text.length} characters)`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked.
  if (/[\u0000-\u001f\u007f]/.test(text)) return `control characters in the reason: ${JSON.stringify(text)}`;
  if (text.includes(FUZZ_MARKER)) return `the reason echoes the body: ${text.slice(0, 200)}`;
  return undefined;
}

/** One translator's results over the fuzzed bodies. */
export interface TranslatorTally {
  readonly ok: number;
  /** Failures by code (`CRASH` for anything that is not a TranslationError). */
  readonly failed: Readonly<Record<string, number>>;
}

/** What {@link runFuzz} found. */
export interface FuzzResult {
  readonly bodies: number;
  readonly seed: number;
  readonly byKind: Readonly<Record<FuzzKind, number>>;
  readonly byTranslator: Readonly<Record<string, TranslatorTally>>;
  /** Failures that are not acceptable (up to 10), with the translator and the body's index and kind. */
  readonly problems: readonly string[];
  /** All unacceptable failures. */
  readonly problemCount: number;
  readonly durationMs: number;
}

/** Runs `count` bodies from `seed` through every translator. */
export async function runFuzz(seed: number, count: number): Promise<FuzzResult> {
  const startedAt = performance.now();
  const tallies = new Map<string, { ok: number; failed: Record<string, number> }>();
  for (const [name] of FUZZ_TRANSLATORS) tallies.set(name, { ok: 0, failed: {} });
  const byKind: Partial<Record<FuzzKind, number>> = {};
  const problems: string[] = [];
  let problemCount = 0;
  for (const body of generateBodies(seed, count)) {
    byKind[body.kind] = (byKind[body.kind] ?? 0) + 1;
    const message = inbound(body);
    for (const [name, translator] of FUZZ_TRANSLATORS) {
      let error = translate(translator, message);
      if (error instanceof Promise) error = await error;
      const tally = tallies.get(name) as { ok: number; failed: Record<string, number> };
      if (error === undefined) {
        tally.ok += 1;
        continue;
      }
      const code = isTranslationError(error) ? error.code : 'CRASH';
      tally.failed[code] = (tally.failed[code] ?? 0) + 1;
      const problem = problemWith(error);
      if (problem === undefined) continue;
      problemCount += 1;
      if (problems.length < 10) problems.push(`${name} on body #${body.index} (${body.kind}): ${problem}`);
    }
  }
  return {
    bodies: count,
    seed,
    byKind: byKind as Record<FuzzKind, number>,
    byTranslator: Object.fromEntries(tallies),
    problems,
    problemCount,
    durationMs: performance.now() - startedAt,
  };
}
