/** `hoist rehearse` (start or resume) and `hoist rehearse --end`: the rehearsal's plan in a session of its own. */
import {rmSync} from 'node:fs';
import {connect} from 'node:net';
import type {CommandContext} from '../cli/command.js';
import type {Config} from '../config/schema.js';
import {Journal} from '../engine/journal.js';
import {stepOutputs} from '../engine/outputs.js';
import {rehearsalJournal} from '../engine/journal-owner.js';
import {Redactor} from '../engine/redactor.js';
import {runPlan, undoPlan} from '../engine/runner.js';
import {stackFiles} from '../engine/stack-files.js';
import type {AnyStep, Plan} from '../engine/step.js';
import {UserError} from '../errors.js';
import {describeTarget, type Target} from '../remote/target.js';
import {sh} from '../remote/commands/quote.js';
import {printable} from '../text/printable.js';
import type {RunEnvironment} from '../engine/runner.js';
import {writeJsonEvent} from '../ui/json-events.js';
import type {Renderer, ScreenKey} from '../ui/renderer.js';
import {createRecordHint, createRecordKey} from './create-key.js';
import {deriveRehearsal, type Rehearsal, type RehearsalRequest} from './derive.js';
import {rehearsalFiles, type RehearsalFiles} from './files.js';
import {rehearsalFinish} from './finish.js';
import {pitfallNamed, type Pitfall} from './pitfalls.js';
import type {PracticeServer} from './practice-server.js';

const flag = (context: CommandContext, name: string): string | undefined => {
	const value = context.args.flags[name];
	return typeof value === 'string' ? value : undefined;
};

/** The wizard's plan for the rehearsal's config, with the rehearsal's own steps in their places. */
async function rehearsalPlan(config: Config, rehearsal: Rehearsal): Promise<Plan> {
	const [{buildPlan}, steps] = await Promise.all([import('../wizard/plan.js'), import('./steps.js')]);
	const plan = [...(await buildPlan(config))];
	const after = (ids: string[], step: AnyStep) => {
		const index = Math.max(...ids.map((id) => plan.findIndex((candidate) => candidate.id === id)));
		plan.splice(index + 1, 0, step);
	};
	after(['ssh-ready'], {...steps.rehearsalPortsStep(rehearsal.standIns), title: 'Check the practice server\'s ports'} as unknown as AnyStep);
	after(['bootstrap', 'registry-login'], {...steps.rehearsalStandInsStep(rehearsal.standIns, rehearsal.files), title: 'Start the rehearsal DNS and CA'} as unknown as AnyStep);
	after(['deploy'], {...steps.rehearsalLink, title: 'Connect Caddy to the rehearsal CA'} as unknown as AnyStep);
	after(['dns'], {...steps.rehearsalRenewStep(rehearsal.files), title: 'Drop certificates of an earlier rehearsal CA'} as unknown as AnyStep);
	return plan;
}

/** The practice server must answer on its SSH port before anything else is asked or written. */
function answers(practice: PracticeServer, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = connect({host: practice.host, port: practice.port, timeout: 5_000, signal});
		const refuse = (why: string) => {
			socket.destroy();
			reject(new UserError(printable(`--on: nothing answers on ${practice.host}:${practice.port} (${why}).`), {
				code: 'USAGE',
				nextSteps: ['Start the practice VM and check its address and SSH port (e.g. `ssh -p PORT USER@HOST` works), then run it again.'],
			}));
		};
		socket.once('connect', () => {
			socket.destroy();
			resolve();
		});
		socket.once('timeout', () => refuse('no answer within 5 s'));
		socket.once('error', (error: NodeJS.ErrnoException) => (signal.aborted ? reject(error) : refuse(error.code ?? error.message)));
	});
}

/** The real target's server: hoist.yml's server:, or the address the real journal recorded (an AWS instance). */
function realServers(real: Config, dir: string): string[] {
	const journal = Journal.read(stackFiles(dir).journal, new Redactor());
	const recorded = journal === undefined ? undefined : stepOutputs(journal.data, 'target');
	return [real.server?.host, recorded?.host, recorded?.publicAddress].filter((host): host is string => host !== undefined).map((host) => host.toLowerCase());
}

function refuseRealServer(rehearsal: Rehearsal, real: Config, dir: string): void {
	const practice = [rehearsal.practice.host.toLowerCase(), rehearsal.standIns.address];
	const clash = realServers(real, dir).find((host) => practice.includes(host));
	if (clash === undefined) return;
	throw new UserError(printable(`--on: ${clash} is the real stack's server; a rehearsal runs on a practice server of its own.`), {
		code: 'REHEARSAL_ON_REAL_SERVER',
		hint: 'The rehearsal needs ports 80 and 443 and starts its own DNS and CA there: beside the real stack it would take them over. Nothing was changed.',
		nextSteps: ['Name a practice server (a local VM): `hoist rehearse --on alpine@192.168.64.5`.'],
	});
}

export async function runRehearsal(context: CommandContext): Promise<number> {
	const {args} = context;
	const recorded = await recordedLogin(context);
	if (args.flags['keep-volumes'] === true) {
		throw new UserError('--keep-volumes goes with --end.', {code: 'USAGE', nextSteps: ['Run `hoist rehearse --end --keep-volumes` to remove the rehearsal but keep its volumes.']});
	}
	const request: RehearsalRequest = {
		pitfall: pitfallNamed(flag(context, 'pitfall') ?? 'none'),
		// A resumed rehearsal goes back to the practice server it started on, with the key it logged in with.
		...optional('on', flag(context, 'on') ?? recorded?.on),
		...optional('identity', flag(context, 'identity') ?? recorded?.identity),
		...optional('hostKey', flag(context, 'host-key')),
	};
	const again = rehearseAgain(request);
	return session(context, request, 'rehearse', async ({plan, env, renderer}, rehearsal) => {
		const outcome = await runPlan(plan, env, {command: 'rehearse', resume: again, dnsView: 'hoist rehearse dns list'});
		if (outcome.result === 'ok') renderer.showMessage(rehearsalFinish(rehearsal, '.hoist/rehearsal/root.pem'));
		return outcome.error?.exitCode ?? 0;
	});
}

/**
 * The rehearsal's own command line for its advice ("Run `hoist rehearse --on …` again: it resumes at step deploy"):
 * the practice server and key it runs with, and its pitfall (without it a resume would start the zone without one).
 */
export function rehearseAgain(request: RehearsalRequest): string {
	const options = [['--on', request.on], ['--identity', request.identity], ['--pitfall', request.pitfall === 'none' ? undefined : request.pitfall]] as const;
	return ['rehearse', ...options.flatMap(([flag, value]) => (value === undefined ? [] : [flag, typed(value)]))].join(' ');
}

/** A word as a person types it: quoted only when the shell would read it otherwise. */
function typed(word: string): string {
	return /^[\w@%+=:,./[\]-]+$/.test(word) ? word : sh(word);
}

/** The practice server the rehearsal's journal records, as --on takes it, and the key it logged in with. */
async function recordedLogin({args}: CommandContext): Promise<{on: string; identity?: string} | undefined> {
	const {dirname, resolve} = await import('node:path');
	const files = rehearsalFiles(dirname(resolve(args.config)));
	const journal = Journal.read(files.journal, new Redactor());
	const target = journal && stepOutputs(journal.data, 'target', rehearsalJournal);
	return target && loginOf(target, files);
}

/** The login a rehearsal's journal records, as --on and --identity take it (hoist's own key is the default). */
export function loginOf(target: Target, files: RehearsalFiles): {on: string; identity?: string} {
	return {on: onOf(target), ...(target.privateKeyPath === files.privateKey ? {} : {identity: target.privateKeyPath})};
}

function onOf(target: {user: string; host: string; port: number}): string {
	return `${target.user}@${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

/** Removes the rehearsal's stack and stand-ins from the practice server the rehearsal's journal names, then forgets it. */
export async function endRehearsal(context: CommandContext): Promise<number> {
	const {args, io} = context;
	const {dirname, resolve} = await import('node:path');
	const files = rehearsalFiles(dirname(resolve(args.config)));
	const journal = Journal.read(files.journal, new Redactor());
	const target = journal && stepOutputs(journal.data, 'target', rehearsalJournal);
	if (!journal || !target) {
		rmSync(files.stateDir, {recursive: true, force: true});
		if (args.json) writeJsonEvent(io.stdout, {type: 'rehearsal-ended', removed: false});
		else io.stdout.write('No rehearsal to end: nothing was put on a practice server.\n');
		return 0;
	}
	const standIns = stepOutputs(journal.data, 'rehearsal-standins', rehearsalJournal);
	const recorded = await recordedLogin(context);
	const request: RehearsalRequest = {
		on: onOf(target),
		...optional('identity', recorded?.identity),
		pitfall: (standIns?.pitfall ?? 'none') as Pitfall,
		...optional('hostKey', target.hostKey),
	};
	const code = await session(context, request, 'rehearse --end', async ({plan, env}) => {
		const outcome = await undoPlan(plan, env, {volumes: args.flags['keep-volumes'] !== true, snapshot: false});
		return outcome.error?.exitCode ?? 0;
	}, {checkPorts: false});
	if (code !== 0) return code;
	rmSync(files.stateDir, {recursive: true, force: true});
	if (args.json) writeJsonEvent(io.stdout, {type: 'rehearsal-ended', removed: true, server: describeTarget(target)});
	else io.stdout.write(`The rehearsal is gone from ${describeTarget(target)}, and forgotten here.\n`);
	return 0;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
	return value === undefined ? {} : ({[key]: value} as Record<K, string>);
}

type Work = Parameters<typeof import('../cli/session.js').withSession>[3];

async function session(
	{args, io}: CommandContext, request: RehearsalRequest, command: string,
	work: (session: Parameters<Work>[0], rehearsal: Rehearsal) => Promise<number>, options: {checkPorts?: boolean} = {},
): Promise<number> {
	const {withSession} = await import('../cli/session.js');
	let rehearsal: Rehearsal | undefined;
	const derive = async (real: Config, dir: string) => {
		rehearsal = await deriveRehearsal(real, dir, request);
		refuseRealServer(rehearsal, real, dir);
		if (options.checkPorts !== false) await answers(rehearsal.practice, io.cancellation.signal);
		return {config: rehearsal.config, files: rehearsal.files};
	};
	const plan = async (config: Config) => ({plan: await rehearsalPlan(config, rehearsal!), closingMessage: () => []});
	const before = async (config: Config, _plan: Plan) => {
		const [{canAsk}, {confirmWarnings}, {trustServerHostKey}, {missingAnswers, missingAnswersError}, {pinFor}] = await Promise.all([
			import('../cli/confirm.js'), import('../commands/up/confirm-warnings.js'), import('../commands/up/host-key-trust.js'), import('../commands/up/answers.js'), import('../remote/known-hosts.js'),
		]);
		const files = rehearsal!.files;
		if (args.flags['yes'] === true || !(await canAsk(args, io))) {
			const serverKeyPinned = config.server !== undefined && pinFor(files.knownHosts, config.server.host) !== undefined;
			if (config.server?.hostKey === undefined && !serverKeyPinned) throw hostKeyNeeded(rehearsal!.practice, args.flags['yes'] === true);
			const refusal = missingAnswersError(missingAnswers(config, {env: io.env, serverKeyPinned}), args.flags['yes'] === true ? '`hoist rehearse --yes` asks nothing' : 'There is no terminal to ask on');
			if (refusal) throw refusal;
		}
		const warnings = await confirmWarnings(config, args, io);
		await trustServerHostKey(config, files, args, io);
		return warnings;
	};
	const completeSecrets = async (config: Config, secrets: import('../config/secrets.js').Secrets) => (await import('../commands/up/registry-token.js')).askRegistryToken(config, secrets, args, io);
	let running: {env: RunEnvironment; renderer: Renderer} | undefined;
	// The key needs the stand-ins, known once hoist.yml is read: it asks for them when pressed.
	const keys = options.checkPorts === false ? [] : [lazyKey(() => rehearsal, () => running)];
	return withSession(args, io, {command, derive, plan, before, completeSecrets, keys}, (opened) => {
		running = {env: opened.env, renderer: opened.renderer};
		return work(opened, rehearsal!);
	});
}

/**
 * Without a person to ask, the practice server's key must be given: `--yes` never trusts an unknown one. Said before
 * anything runs (the SSH step would otherwise fail on it with advice for a real server's hoist.yml).
 */
function hostKeyNeeded(practice: PracticeServer, yes: boolean): UserError {
	return new UserError(`${yes ? '`hoist rehearse --yes` asks nothing' : 'There is no terminal to ask on'}, and the practice server's host key is not known: --host-key (or rehearsal.hostKey in hoist.yml) is missing.`, {
		code: 'ANSWERS_MISSING',
		hint: 'hoist trusts a server\'s host key only when a person confirms it or names it: an unknown key may be another machine in the middle.',
		nextSteps: [
			`On the practice VM's own console, run \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`; on this machine, \`ssh-keyscan -t ed25519 -p ${practice.port} ${practice.host}\` must print the key with that fingerprint.`,
			'Pass that key as --host-key "ssh-ed25519 AAAA…" (or set rehearsal.hostKey in hoist.yml), or run `hoist rehearse` on a terminal and answer yes when it asks.',
		],
	});
}

function lazyKey(rehearsal: () => Rehearsal | undefined, running: () => {env: RunEnvironment; renderer: Renderer} | undefined): ScreenKey {
	const key = () => {
		const known = rehearsal();
		return known && createRecordKey(known.standIns, running);
	};
	return {
		key: 'c',
		hint: createRecordHint,
		when: (state) => key()?.when(state) ?? false,
		press: (state) => key()?.press(state),
	};
}
