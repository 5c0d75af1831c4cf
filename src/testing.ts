// loafer/testing: what users (and loafer's own unit tests) need to test services without a broker.

export { flushPromises, ManualClock } from './testing/manual-clock.js';
export type { LogRecord } from './testing/memory-logger.js';
export { MemoryLogger } from './testing/memory-logger.js';
export type {
  MemoryMessage,
  MemoryProviderOptions,
  MemoryProviderStats,
  MemoryReceipt,
  MemorySendOptions,
} from './testing/memory-provider.js';
export { MemoryProvider } from './testing/memory-provider.js';
