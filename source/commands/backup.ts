import {defineCommand, type CommandContext} from '../cli/command.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/** `hoist backup`: the stack's named volumes and dumps, off the server, into backups/<stack>/<UTC time>/. */
export const backup = defineCommand({
	name: 'backup',
	summary: 'Copy the stack\'s data (named volumes, database dumps, Caddy\'s certificates) off the server',
	description: `Streams the stack's data over SSH into backups/<stack>/<UTC time>/ beside hoist.yml, nothing staged on the
server's disk. A service with the compose label hoist.backup (e.g. "pg_dump -U app -Fc app") is dumped by that
command in its running container; every other named volume is copied as a tar while the services that mount it are
stopped (asked first: --yes for scripts), then they are started again. Caddy's certificates are copied too.
manifest.json, written last, lists each file with its size and SHA-256: a folder without it is not a whole backup.
\`hoist restore\` reads it back. Schedule \`hoist backup --yes --keep 7\` from cron or CI.`,
	flags: {
		yes: {type: 'boolean', short: 'y', description: 'Do not ask before stopping services (for scripts)'},
		keep: {type: 'string', value: 'N', description: 'Afterwards, keep only the newest N local backups'},
		list: {type: 'boolean', description: 'List the local backups (and those in backup.s3) instead of taking one; no lock, no server'},
	},
	needs: 'lock',
	async run(context) {
		if (context.args.flags['list'] === true) return list(context);
		const keep = keepCount(context.args.flags['keep']);
		const [{withStackSession}, {runBackup}] = await Promise.all([import('./remote/stack-session.js'), import('../backup/run-backup.js')]);
		return withStackSession('backup', context, (session) =>
			runBackup(session, context, {yes: context.args.flags['yes'] === true, ...(keep === undefined ? {} : {keep})}),
		);
	},
});

async function list({args, io, stack}: CommandContext): Promise<number> {
	const {config, configError, files} = await stack.readOnly();
	if (!config) throw configError;
	const [{listLines}, {backupsRoot}, {createRenderer}] = await Promise.all([import('../backup/list.js'), import('../backup/local.js'), import('../ui/renderer.js')]);
	const renderer = await createRenderer({json: args.json, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, env: io.env, onCancel: io.cancellation.cancel});
	try {
		renderer.showMessage(listLines(backupsRoot(files.dir, config.stack), process.cwd()));
		if (config.backup?.s3) {
			const [{s3Client, s3Place, listS3Backups}, {s3ListLines}] = await Promise.all([import('../backup/s3.js'), import('../backup/list.js')]);
			const place = s3Place(config.backup.s3, config.stack);
			renderer.showMessage(['', ...s3ListLines(`s3://${place.bucket}/${place.prefix}`, await listS3Backups(s3Client(config, io.env), place))]);
		}
	} finally {
		await renderer.close();
	}
	return 0;
}

function keepCount(value: string | boolean | undefined): number | undefined {
	if (typeof value !== 'string') return undefined;
	if (!/^[1-9]\d{0,5}$/.test(value)) {
		throw new UserError(printable(`--keep "${value}" is not a number of backups.`), {code: 'USAGE', nextSteps: ['Give a whole number of 1 or more, e.g. --keep 7.']});
	}
	return Number(value);
}
