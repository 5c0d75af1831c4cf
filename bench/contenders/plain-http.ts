// The server's ceiling: the SDK loop's shape over unsigned AWS JSON 1.0 requests on an undici pool.
// No signing, no SDK: what fauxqs itself can serve to a consumer on this machine.
import { startBatchLoop } from '../lib/batch-loop.js';
import type { StartContender } from '../lib/contender.js';
import { jsonLoopTransport } from '../lib/json-transport.js';

export const start: StartContender = async (context) =>
  startBatchLoop(jsonLoopTransport(context.config, false), context);
