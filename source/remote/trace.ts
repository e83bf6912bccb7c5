import {appendFileSync} from 'node:fs';

export type TraceEntry =
	| {type: 'connect'; host: string; port: number; user: string}
	| {type: 'exec'; line: string}
	| {type: 'upload'; path: string; bytes: number}
	| {type: 'close'};

export type Trace = (entry: TraceEntry) => void;

/**
 * HOIST_SSH_TRACE=FILE: every connection, command line (exactly as sent) and upload, one JSON line each. For
 * debugging and for tests that count round trips or prove that no secret ever travelled on a command line.
 */
export function fileTrace(path: string | undefined): Trace | undefined {
	if (!path) return undefined;
	return (entry) => appendFileSync(path, `${JSON.stringify({at: Date.now(), ...entry})}\n`, {mode: 0o600});
}
