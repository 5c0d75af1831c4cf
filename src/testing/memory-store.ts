import type { MessageAttributes } from '../core/message.js';

/** One message held by a memory queue. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: MessageAttributes;
  readonly groupId: string | undefined;
  receiveCount: number;
  visibleAt: number;
  receipt: number;
  isInFlight: boolean;
  isGone: boolean;
}

/**
 * The messages of a memory queue in send order, with lookup by id. Removal marks an entry gone and
 * the array is compacted from the front, so that fetching from a long queue stays cheap (a Map that
 * loses its first entries one by one makes every new iteration skip the holes).
 */
export class MessageStore {
  #entries: StoredMessage[] = [];
  #head = 0;
  readonly #byId = new Map<string, StoredMessage>();

  /** Messages held (not removed). */
  get size(): number {
    return this.#byId.size;
  }

  /** The message with `id`, if held. */
  get(id: string): StoredMessage | undefined {
    return this.#byId.get(id);
  }

  /** Adds a message at the end (replacing a held one with the same id). */
  add(message: StoredMessage): void {
    this.remove(message.id);
    this.#entries.push(message);
    this.#byId.set(message.id, message);
  }

  /** Removes the message with `id`; returns it if it was held. */
  remove(id: string): StoredMessage | undefined {
    const message = this.#byId.get(id);
    if (message === undefined) return undefined;
    message.isGone = true;
    this.#byId.delete(id);
    this.#compact();
    return message;
  }

  /** The held messages in send order. */
  *ordered(): IterableIterator<StoredMessage> {
    const entries = this.#entries;
    for (let i = this.#head; i < entries.length; i++) {
      const message = entries[i] as StoredMessage;
      if (!message.isGone) yield message;
    }
  }

  #compact(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && (entries[this.#head] as StoredMessage).isGone) this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
