import type {Plan} from '../engine/step.js';
import type {Cancellation} from './cancellation.js';

/** The process around a command: its streams and environment (tests pass their own). */
export interface CommandIo {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
	/** Ctrl-C, SIGTERM and SIGHUP, watched from before the command starts (main installs it). */
	cancellation: Cancellation;
	/** Replaces the wizard's steps: for tests that run the engine on fixture steps through the real CLI. */
	plan?: Plan;
}
