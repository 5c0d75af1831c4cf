// Prototype: the SDK loop on a tuned `SQSClient` (no MD5 check, keep-alive agent, fewer middlewares,
// middleware stacks resolved once). Measured here to inform src/providers/sqs; not part of the framework.
import { startBatchLoop } from '../lib/batch-loop.js';
import type { StartContender } from '../lib/contender.js';
import { tunedSdkTransport } from '../lib/sdk-transport.js';

export const start: StartContender = async (context) =>
  startBatchLoop(tunedSdkTransport(context.config), context);
