/**
 * The rehearsal's own day-2 commands: `hoist rehearse dns set|delete|list` (no lock: the rehearsal holds it while
 * its watcher waits) and `hoist rehearse status|logs|ssh`, which are hoist's own commands on the rehearsal's journal.
 */
import {dirname, resolve} from 'node:path';
import type {CommandContext} from '../cli/command.js';
import type {ReadOnlyStack} from '../cli/read-only.js';
import {loadConfig} from '../config/load.js';
import type {Config} from '../config/schema.js';
import {stepOutputs} from '../engine/outputs.js';
import {rehearsalJournal} from '../engine/journal-owner.js';
import {UserError} from '../errors.js';
import {RemoteCommandError} from '../remote/errors.js';
import {printable} from '../text/printable.js';
import {writeJsonEvent} from '../ui/json-events.js';
import {rehearsalZones} from './derive.js';
import {rehearsalFiles} from './files.js';
import type {Pitfall} from './pitfalls.js';
import {recordName, recordType, recordValue, rehearsalTtl, zoneOf} from './records.js';
import {changeZone, dnsStandIns, listZones, notRunningExit, type ZoneChange} from './standins.js';

async function rehearsalStack(configPath: string, options: {config?: boolean} = {}): Promise<ReadOnlyStack> {
	const {openReadOnly} = await import('../cli/read-only.js');
	const dir = dirname(resolve(configPath));
	const opened = await openReadOnly(configPath, rehearsalFiles(dir));
	// hoist.yml's target is the real one (AWS perhaps): a command that reads the config gets the rehearsal's own.
	const config = options.config && opened.config ? await recordedRehearsalConfig(opened, dir) : undefined;
	return {...opened, config, configError: undefined, commands: {start: 'hoist rehearse', prefix: 'hoist rehearse'}};
}

/**
 * The rehearsal's config (routes, names, its practice server, its CA's root) as hoist.yml and the rehearsal's journal
 * give it: on the practice server the journal records, never the real target. Undefined before the rehearsal reached
 * its server, or when hoist.yml no longer gives one (status then shows the journal alone).
 */
async function recordedRehearsalConfig({config, journal}: ReadOnlyStack, dir: string): Promise<Config | undefined> {
	const target = journal && stepOutputs(journal.data, 'target', rehearsalJournal);
	if (!config || !target) return undefined;
	const {deriveRehearsal} = await import('./derive.js');
	const {loginOf} = await import('./run.js');
	const standIns = stepOutputs(journal.data, 'rehearsal-standins', rehearsalJournal);
	try {
		return (await deriveRehearsal(config, dir, {...loginOf(target, rehearsalFiles(dir)), pitfall: (standIns?.pitfall ?? 'none') as Pitfall})).config;
	} catch {
		return undefined;
	}
}

/** `hoist rehearse status|logs|ssh`: the command itself, given the rehearsal's journal instead of the real one. */
export async function rehearsalReadOnly(context: CommandContext, action: 'status' | 'logs' | 'ssh', rest: string[]): Promise<number> {
	const command = {
		status: async () => (await import('../commands/status.js')).status,
		logs: async () => (await import('../commands/logs.js')).logs,
		ssh: async () => (await import('../commands/ssh.js')).ssh,
	}[action];
	const stack = {
		// status shows the rehearsal's routes and certificate as hoist.yml gives them; logs and ssh need the journal only.
		readOnly: () => rehearsalStack(context.args.config, {config: action === 'status'}),
		withSession: () => Promise.reject(new Error('a read-only command asked for the lock')),
	};
	return (await command()).run({...context, args: {...context.args, positionals: rest}, stack});
}

const usage = [
	'hoist rehearse dns set TYPE NAME VALUE    e.g. dns set A api.example.com 192.168.64.5',
	'hoist rehearse dns delete TYPE NAME       e.g. dns delete AAAA api.example.com',
	'hoist rehearse dns list',
];

function usageError(message: string): UserError {
	return new UserError(printable(message), {code: 'USAGE', nextSteps: usage});
}

/** Every check of the words before anything connects: a bad field is exit 2 with the server untouched. */
export function zoneChangeOf(words: string[], zones: string[]): ZoneChange {
	const [action, type, name, ...value] = words;
	if (action !== 'set' && action !== 'delete') throw usageError(`\`hoist rehearse dns ${action ?? ''}\`: expected set, delete or list.`);
	const expected = action === 'set' ? 3 : 2;
	if ([type, name, ...value].filter((word) => word !== undefined).length !== expected && !(action === 'set' && value.length > 1 && type?.toUpperCase() === 'CAA')) {
		throw usageError(`\`hoist rehearse dns ${action}\` takes ${action === 'set' ? 'TYPE NAME VALUE' : 'TYPE NAME'}.`);
	}
	const recordTypeChecked = recordType(type!);
	const owner = recordName(name!);
	const zone = zoneOf(owner, zones);
	if (zone === undefined) throw usageError(`NAME "${owner}": the rehearsal zone${zones.length === 1 ? ' is' : 's are'} ${zones.join(', ')}; this name is in none of them.`);
	return {
		action,
		zone,
		record: {name: owner, type: recordTypeChecked, ...(action === 'set' ? {ttl: rehearsalTtl, value: recordValue(recordTypeChecked, value.join(' '))} : {})},
	};
}

export async function rehearsalDns(context: CommandContext, words: string[]): Promise<number> {
	const {args, io} = context;
	const {config} = loadConfig(args.config);
	const zones = rehearsalZones(config);
	const change = words[0] === 'list' ? undefined : zoneChangeOf(words, zones);
	if (words[0] === 'list' && words.length > 1) throw usageError('`hoist rehearse dns list` takes nothing more.');
	const opened = await rehearsalStack(args.config);
	const [{loggedInTarget, withRemote}] = await Promise.all([import('../commands/remote/remote-access.js')]);
	const standIns = opened.journal && stepOutputs(opened.journal.data, 'rehearsal-standins', rehearsalJournal);
	if (!standIns) throw notStarted();
	const target = loggedInTarget(opened, 'rehearse dns list');
	const servers = dnsStandIns({dnsPort: standIns.servers[0]!.port, pitfall: standIns.pitfall as Pitfall});
	try {
		return await withRemote(target, opened.files, io, async (session) => {
			const signal = io.cancellation.signal;
			if (change === undefined) {
				const lines: string[] = [];
				await session.run(listZones(opened.journal!.data.stack, servers[0]!, zones), {signal, onLine: (line, stream) => (stream === 'stdout' ? lines.push(line) : undefined)});
				if (args.json) writeJsonEvent(io.stdout, {type: 'rehearsal-zone', records: lines});
				else io.stdout.write(`${lines.join('\n')}\n`);
				return 0;
			}
			await session.run(changeZone(opened.journal!.data.stack, servers, change), {signal});
			const said = `${change.action === 'set' ? 'Set' : 'Deleted'} ${change.record.type} ${change.record.name}${change.record.value === undefined ? '' : ` ${change.record.value}`} in the rehearsal zone ${change.zone} (${servers.map((server) => server.name).join(', ')}).`;
			if (args.json) writeJsonEvent(io.stdout, {type: 'rehearsal-zone-changed', ...change});
			else io.stdout.write(`${said}\n`);
			return 0;
		});
	} catch (error) {
		if (error instanceof RemoteCommandError && error.remoteExit === notRunningExit) throw notStarted();
		throw error;
	}
}

function notStarted(): UserError {
	return new UserError('The rehearsal DNS is not running yet.', {
		code: 'REHEARSAL_NOT_STARTED',
		nextSteps: ['Run `hoist rehearse --on USER@HOST` first: it starts the rehearsal DNS before it waits for your record.'],
	});
}
