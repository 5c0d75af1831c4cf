import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { InboundMessage, MessageAttribute, MessageAttributes } from '../../core/message.js';
import { toMessageAttribute } from '../../core/message-attributes.js';

/**
 * A message received by the {@link SqsProvider}: an {@link InboundMessage} whose `raw` is the AWS SDK's
 * `Message` (with its `ReceiptHandle`).
 */
export type SqsInboundMessage = InboundMessage<Message>;

const NO_ATTRIBUTES: MessageAttributes = Object.freeze({});
const NO_SYSTEM_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** Converts SQS message attributes to typed attributes (`String`, `Number`, `Binary`, custom types kept). */
export function toMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): MessageAttributes {
  if (attributes === undefined) return NO_ATTRIBUTES;
  let converted: Record<string, MessageAttribute> | undefined;
  for (const name in attributes) {
    const value = attributes[name];
    if (value === undefined || typeof value.DataType !== 'string') continue;
    converted ??= {};
    converted[name] = toMessageAttribute(value.DataType, value.StringValue, value.BinaryValue);
  }
  return converted ?? NO_ATTRIBUTES;
}

/** The receive count from `ApproximateReceiveCount`; 1 when SQS did not send it. */
function receiveCountOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const count = Number(text);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

/**
 * Converts a message received from SQS into loafer's {@link InboundMessage}: `body` is `''` when absent,
 * `receiveCount` comes from `ApproximateReceiveCount`, `groupId` from `MessageGroupId`, message
 * attributes are typed, system attributes stay text, and `raw` is the SDK's `Message` itself.
 *
 * @param message - one entry of `ReceiveMessage`'s `Messages`.
 */
export function toInboundMessage(message: Message): SqsInboundMessage {
  const system = message.Attributes as Readonly<Record<string, string>> | undefined;
  const groupId = system?.MessageGroupId;
  const id = message.MessageId ?? '';
  const body = message.Body ?? '';
  const receiveCount = receiveCountOf(system?.ApproximateReceiveCount);
  const attributes = toMessageAttributes(message.MessageAttributes);
  const systemAttributes = system ?? NO_SYSTEM_ATTRIBUTES;
  // Two literal shapes rather than a conditional spread: the hot path allocates one object per message.
  return groupId === undefined
    ? { id, body, receiveCount, attributes, systemAttributes, raw: message }
    : { id, body, receiveCount, groupId, attributes, systemAttributes, raw: message };
}
