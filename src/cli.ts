// loafer/cli: running a manager as a process (signals, exit codes). The only entry point that
// touches `process`.

export type { ResolvedRunServiceOptions, RunServiceOptions, SignalSource } from './cli/run-service.js';
export {
  EXIT_FAILURE,
  EXIT_OK,
  resolveRunServiceOptions,
  runService,
  signalExitCode,
} from './cli/run-service.js';
