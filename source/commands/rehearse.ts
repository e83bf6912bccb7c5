import {defineCommand} from '../cli/command.js';
import {UserError} from '../errors.js';
import {printable} from '../text/printable.js';

/**
 * `hoist rehearse`: the whole flow, the domain and the certificate included, on a practice server, as a stack of its
 * own with stand-ins for DNS and the CA (source/rehearsal/). Its journal is .hoist/rehearsal/; the real one is never
 * opened for writing.
 */
export const rehearse = defineCommand({
	name: 'rehearse',
	summary: 'Practise the whole flow, DNS and HTTPS included, on a practice server (a local VM)',
	description: `Runs the real plan from SSH on (host key, bootstrap, registry login, upload, deploy, DNS, certificate)
against the practice server named by --on, as the stack <stack>-rehearsal, beside two stand-ins hoist starts there:
a DNS server authoritative for your domain's zone and an ACME CA (Pebble). You "create the record at the registrar"
with \`c\` on the DNS screen or \`hoist rehearse dns set A NAME ADDRESS\` from another terminal. AWS is never called,
and the real journal and stack are never touched.
  hoist rehearse --on alpine@192.168.64.5        start or resume the rehearsal
  hoist rehearse dns set|delete|list …           change the rehearsal zone (no lock: works while the watcher waits)
  hoist rehearse status | logs [SERVICE…] | ssh  the rehearsal's own status, logs, shell
  hoist rehearse --end [--keep-volumes]          remove everything the rehearsal put on the practice server`,
	flags: {
		on: {type: 'string', value: 'USER@HOST[:PORT]', description: 'The practice server (default: rehearsal.server in hoist.yml)'},
		identity: {type: 'string', value: 'FILE', description: 'The private key to log in with, FILE.pub beside it (default: hoist\'s own .hoist/id_ed25519)'},
		'host-key': {type: 'string', value: 'KEY', description: 'The practice server\'s host key ("ssh-ed25519 AAAA…"): needed without a terminal'},
		pitfall: {type: 'string', value: 'NAME', description: 'Start the zone with a mistake to practise: none (default), aaaa, caa, stale, proxy'},
		yes: {type: 'boolean', short: 'y', description: 'Ask nothing (never trusts an unknown host key)'},
		end: {type: 'boolean', description: 'Remove the rehearsal\'s stack, stand-ins and volumes from the practice server, and forget it'},
		'keep-volumes': {type: 'boolean', description: 'With --end: keep the named volumes'},
	},
	positionals: [{name: 'ACTION', description: 'status, logs [SERVICE…], ssh, or dns set TYPE NAME VALUE | dns delete TYPE NAME | dns list', variadic: true, optional: true}],
	passThrough: {name: 'COMMAND', description: 'With ssh: a command to run instead of a shell'},
	needs: 'lock',
	async run(context) {
		const [action, ...rest] = context.args.positionals;
		if (action === undefined) {
			const {runRehearsal, endRehearsal} = await import('../rehearsal/run.js');
			return context.args.flags['end'] === true ? endRehearsal(context) : runRehearsal(context);
		}
		const {rehearsalDns, rehearsalReadOnly} = await import('../rehearsal/day2.js');
		if (action === 'dns') return rehearsalDns(context, rest);
		if (action === 'status' || action === 'logs' || action === 'ssh') return rehearsalReadOnly(context, action, rest);
		throw new UserError(printable(`\`hoist rehearse ${action}\`: there is no such action.`), {
			code: 'USAGE',
			nextSteps: ['Use `hoist rehearse --on USER@HOST`, or one of: status, logs, ssh, dns set|delete|list (`hoist rehearse --help`).'],
		});
	},
});
