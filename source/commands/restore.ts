import {defineCommand} from '../cli/command.js';
import {UserError} from '../errors.js';

/** `hoist restore BACKUP`: a backup taken by `hoist backup`, back onto the stack's server. */
export const restore = defineCommand({
	name: 'restore',
	summary: 'Put a backup back: the named volumes, the dumps, Caddy\'s certificates',
	description: `Checks every file of BACKUP against its SHA-256 in manifest.json first (a damaged backup is refused before
anything on the server changes), asks (naming what is replaced; --yes for scripts), stops the services that use
the restored volumes, puts each volume back, reads each dump back through the service's hoist.restore command
(that service keeps running; the others stop meanwhile), starts them and waits until they run. To move a stack to
a new server: \`hoist backup\`, \`hoist destroy\`, \`hoist up\` (on the new one), \`hoist restore latest\`.`,
	flags: {
		yes: {type: 'boolean', short: 'y', description: 'Do not ask for confirmation (for scripts)'},
	},
	positionals: [{name: 'BACKUP', description: 'A backup folder, its name under backups/<stack>/ (hoist backup --list), or "latest"'}],
	needs: 'lock',
	async run(context) {
		const wanted = context.args.positionals[0];
		if (wanted === undefined) {
			throw new UserError('`hoist restore` needs the backup to restore.', {code: 'USAGE', nextSteps: ['For example `hoist restore latest`, or a name from `hoist backup --list`.']});
		}
		const [{withStackSession}, {runRestore}, {findBackup, backupsRoot}, {readManifest, verifyBackup}] = await Promise.all([
			import('./remote/stack-session.js'),
			import('../backup/run-restore.js'),
			import('../backup/local.js'),
			import('../backup/manifest.js'),
		]);
		let checked: {dir: string; manifest: import('../backup/manifest.js').Manifest} | undefined;
		const before = async (config: {stack: string}, files: {dir: string}) => {
			const dir = findBackup(wanted, backupsRoot(files.dir, config.stack), process.cwd());
			const manifest = readManifest(dir);
			await verifyBackup(dir, manifest);
			checked = {dir, manifest};
		};
		return withStackSession('restore', context, (session) => runRestore(session, context, checked!, {yes: context.args.flags['yes'] === true}), before);
	},
});
