import type { MessageAttribute } from './message.js';

/**
 * Builds a typed {@link MessageAttribute} from a broker's data type and value (SQS gives
 * `StringValue`/`BinaryValue`, SNS envelopes give `Value`, base64 for binary). Unknown data types are
 * kept as strings.
 */
export function toMessageAttribute(
  dataType: string,
  text: string | undefined,
  binary?: Uint8Array,
): MessageAttribute {
  const dot = dataType.indexOf('.');
  const base = dot === -1 ? dataType : dataType.slice(0, dot);
  const custom = dot === -1 ? undefined : dataType.slice(dot + 1);
  if (dataType === 'String.Array') {
    const value = text ?? '[]';
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    return { dataType: 'String.Array', value: Array.isArray(parsed) ? parsed : [], text: value };
  }
  if (base === 'Number') {
    const value = text ?? '';
    return custom === undefined
      ? { dataType: 'Number', value: Number(value), text: value }
      : { dataType: 'Number', value: Number(value), text: value, customType: custom };
  }
  if (base === 'Binary') {
    const value = binary ?? Buffer.from(text ?? '', 'base64');
    return custom === undefined
      ? { dataType: 'Binary', value }
      : { dataType: 'Binary', value, customType: custom };
  }
  const value = text ?? '';
  return custom === undefined
    ? { dataType: 'String', value }
    : { dataType: 'String', value, customType: custom };
}
