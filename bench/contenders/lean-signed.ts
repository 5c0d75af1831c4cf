// Prototype of a lean SQS transport: AWS JSON 1.0 requests signed by the SDK's own SigV4 signer
// (`@smithy/signature-v4`), credentials from the SDK's Node provider chain, an undici keep-alive pool.
// Measured here to inform src/providers/sqs; not part of the framework.
import { startBatchLoop } from '../lib/batch-loop.js';
import type { StartContender } from '../lib/contender.js';
import { jsonLoopTransport } from '../lib/json-transport.js';

export const start: StartContender = async (context) =>
  startBatchLoop(jsonLoopTransport(context.config, true), context);
