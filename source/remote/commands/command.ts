/**
 * A command for the server, built by a pure function (Kamal's `commands/` shape): steps never write shell
 * strings themselves, they run what a builder returns.
 */
export interface RemoteCommand {
	/** One POSIX sh line; every argument in it was quoted by `sh()`. */
	line: string;
	/** Runs as root: through doas or sudo when the login user is not root. */
	root?: boolean;
	/** What it does, in words, for errors: "pull 10.77.0.1:5000/hoist/web:v1". */
	title?: string;
}
