/**
 * A typed message attribute, as SQS and SNS carry them: `String`, `Number` (parsed, with the exact
 * text kept), `Binary`, and SNS's `String.Array`. `customType` holds the part after the dot of a custom
 * data type (`Number.float` → `float`).
 */
export type MessageAttribute =
  | { readonly dataType: 'String'; readonly value: string; readonly customType?: string }
  | {
      readonly dataType: 'Number';
      readonly value: number;
      readonly text: string;
      readonly customType?: string;
    }
  | { readonly dataType: 'Binary'; readonly value: Uint8Array; readonly customType?: string }
  | { readonly dataType: 'String.Array'; readonly value: readonly unknown[]; readonly text: string };

/** Message attributes by name. */
export type MessageAttributes = Readonly<Record<string, MessageAttribute>>;

/**
 * A message as a provider fetched it, in the shape every translator understands. `raw` is the
 * provider's own object (for SQS, the SDK's `Message`).
 *
 * @typeParam Raw - the provider's message type.
 */
export interface InboundMessage<Raw = unknown> {
  /** The broker's id for the message (SQS `MessageId`). */
  readonly id: string;
  /** The message body as text; empty when the broker sent none. */
  readonly body: string;
  /** How many times the broker has delivered this message, this delivery included (1 at first). */
  readonly receiveCount: number;
  /** The FIFO message group, on FIFO queues. */
  readonly groupId?: string;
  /** User message attributes, typed. */
  readonly attributes: MessageAttributes;
  /** The broker's system attributes (SQS `SentTimestamp`, `SenderId`, ...), as text. */
  readonly systemAttributes: Readonly<Record<string, string>>;
  /** The provider's own message object. */
  readonly raw: Raw;
}

/**
 * What every translator puts in `metadata`: where the message came from and how often it was
 * delivered. Translators may add fields (the SNS translator adds `sns`).
 */
export interface MessageMetadata {
  /** The broker's id for the message. */
  readonly messageId: string;
  /** How many times the message has been delivered, this delivery included. */
  readonly receiveCount: number;
  /** User message attributes, typed. */
  readonly attributes: MessageAttributes;
  /** The broker's system attributes, as text. */
  readonly systemAttributes: Readonly<Record<string, string>>;
  /** The FIFO message group, on FIFO queues. */
  readonly groupId?: string;
}

/** Builds the {@link MessageMetadata} every translator starts from. */
export function baseMetadata(message: InboundMessage): MessageMetadata {
  const metadata: {
    messageId: string;
    receiveCount: number;
    attributes: MessageAttributes;
    systemAttributes: Readonly<Record<string, string>>;
    groupId?: string;
  } = {
    messageId: message.id,
    receiveCount: message.receiveCount,
    attributes: message.attributes,
    systemAttributes: message.systemAttributes,
  };
  if (message.groupId !== undefined) metadata.groupId = message.groupId;
  return metadata;
}
