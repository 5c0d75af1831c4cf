import type { SchemaIssue } from '../core/errors.js';
import { TranslationError } from '../core/errors.js';
import type { InboundMessage } from '../core/message.js';
import type { StandardSchemaV1 } from '../core/standard-schema.js';
import type { MessageTranslator, TranslatedMessage } from '../core/translator.js';
import { checkThat } from '../core/validate.js';

const MAX_LISTED_ISSUES = 5;

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === 'object' && segment !== null ? segment.key : segment,
  );
  return { message: issue.message, path };
}

/**
 * Names where the content is wrong, without the validators' own words: some of them (valibot,
 * arktype) quote the received value, and a translation error is logged above debug, where message
 * bodies must not appear. The full issues stay on the error's `issues`.
 */
function formatIssues(issues: readonly SchemaIssue[]): string {
  const places = [
    ...new Set(
      issues.map((issue) => (issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'))),
    ),
  ];
  const listed = places.slice(0, MAX_LISTED_ISSUES).map((place) => `\`${place}\``);
  const more = places.length > MAX_LISTED_ISSUES ? ` and ${places.length - MAX_LISTED_ISSUES} more` : '';
  const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
  return `${count} at ${listed.join(', ')}${more}`;
}

/** Whether `value` implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const props = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null | undefined)?.[
    '~standard'
  ];
  return (
    typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function'
  );
}

/**
 * Wraps a translator so that its content is validated by a Standard Schema (zod, valibot, arktype,
 * ...): the handler receives the schema's output, typed. Content the schema rejects is a
 * {@link TranslationError} with code `LOAFER_ERR_TRANSLATION_SCHEMA_FAILED` that lists the issues.
 *
 * @example
 * ```ts
 * const Friend = z.object({ id: z.string(), username: z.string() });
 * const translator = withSchema(snsTranslator(), Friend); // content: { id: string; username: string }
 * ```
 * @throws {ConfigurationError} when `schema` is not a Standard Schema.
 */
export function withSchema<Schema extends StandardSchemaV1, Metadata>(
  translator: MessageTranslator<unknown, Metadata>,
  schema: Schema,
): MessageTranslator<StandardSchemaV1.InferOutput<Schema>, Metadata> {
  checkThat(isStandardSchema(schema), 'schema', 'a Standard Schema (zod, valibot, arktype, ...)', schema);
  type Output = StandardSchemaV1.InferOutput<Schema>;
  const check = (translated: TranslatedMessage<unknown, Metadata>) => {
    const result = schema['~standard'].validate(translated.content);
    const finish = (outcome: StandardSchemaV1.Result<unknown>): TranslatedMessage<Output, Metadata> => {
      if (outcome.issues !== undefined) {
        const issues = outcome.issues.map(toIssue);
        throw new TranslationError(
          'LOAFER_ERR_TRANSLATION_SCHEMA_FAILED',
          `content does not match the route's schema: ${formatIssues(issues)} (see error.issues)`,
          { issues },
        );
      }
      return { content: outcome.value as Output, metadata: translated.metadata };
    };
    return result instanceof Promise ? result.then(finish) : finish(result);
  };
  return {
    translate(message: InboundMessage) {
      const translated = translator.translate(message);
      if (typeof (translated as PromiseLike<unknown>).then === 'function') {
        return Promise.resolve(translated).then(check);
      }
      return check(translated as TranslatedMessage<unknown, Metadata>);
    },
  };
}
