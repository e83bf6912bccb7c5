import type {Plan} from '../engine/step.js';

/** The process around a command: its streams and environment (tests pass their own). */
export interface CommandIo {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
	/** Replaces the wizard's steps: for tests that run the engine on fixture steps through the real CLI. */
	plan?: Plan;
}
