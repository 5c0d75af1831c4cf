// The stock-SDK baseline: a hand-written loop on `@aws-sdk/client-sqs` as users write it (several long
// polls, handlers in parallel, DeleteMessageBatch).
import { startBatchLoop } from '../lib/batch-loop.js';
import type { StartContender } from '../lib/contender.js';
import { stockSdkTransport } from '../lib/sdk-transport.js';

export const start: StartContender = async (context) =>
  startBatchLoop(stockSdkTransport(context.config), context);
