import {existsSync, writeFileSync} from 'node:fs';
import {createElement} from 'react';
import {basename, dirname, relative, resolve} from 'node:path';
import type {CommandLine} from '../cli/command.js';
import type {CommandIo} from '../cli/io.js';
import {canAsk} from '../cli/confirm.js';
import {showScreen, terminalAsk, type Ask} from '../cli/terminal.js';
import {secretEnv} from '../config/secrets.js';
import {parseConfig} from '../config/load.js';
import {CancelledError, UserError, nextCommand} from '../errors.js';
import {printable} from '../text/printable.js';
import type {SetupAnswers} from './answers.js';
import {readAwsProfiles} from './aws-profiles.js';
import {findComposeFile} from './compose-discovery.js';
import {addressEcho, addressEchoUrl} from './address-echo.js';
import {localPublicAddress} from './public-address.js';
import {mergedValue, mergeInto, readMergeSettings} from './merge-settings.js';
import {askSetup, type SetupFacts} from './questions.js';
import {renderConfig} from './render-config.js';
import {setupPlan} from './setup-plan.js';

export interface GuidedSetupOptions {
	/** Replaces the terminal's questions (tests). */
	ask?: Ask;
	/** Replaces what the setup finds out by itself (tests). */
	facts?: Partial<SetupFacts>;
	/** What runs after "yes": `hoist up`, handed in by the command that runs the setup (tests pass their own). */
	up: (args: CommandLine, io: CommandIo) => Promise<number>;
	/** YYYY-MM-DD for the file's header. */
	today?: string;
}

/**
 * The first-time guided setup: questions on the terminal, a commented hoist.yml, the plan (what will be created,
 * where, a dated cost estimate), and on "yes" straight into `hoist up`. `hoist init` runs it, and so may bare
 * `hoist` where there is no hoist.yml. Refuses when hoist.yml exists, and without a terminal (never a hanging prompt).
 */
export async function runGuidedSetup(io: CommandIo, args: CommandLine, options: GuidedSetupOptions): Promise<number> {
	const configPath = resolve(args.config);
	const shown = printable(relative(process.cwd(), configPath) || basename(configPath));
	if (existsSync(configPath)) {
		throw new UserError(`${shown} exists already: this stack is set up.`, {
			code: 'CONFIG_EXISTS',
			hint: 'The guided setup only writes a new hoist.yml; it never changes yours.',
			nextSteps: [nextCommand('hoist up', 'Run {command} to create or resume the stack it describes.'), `To start the setup over, move ${shown} away first.`],
		});
	}
	if (!options.ask && !(await canAsk(args, io))) {
		throw new UserError('The guided setup asks questions, and no one can answer them here (no terminal, CI, or --json).', {
			code: 'USAGE',
			hint: 'Without a terminal, write hoist.yml yourself: hoist\'s README, section "Configuration", describes every setting.',
			nextSteps: [nextCommand('hoist init', 'Run {command} in a terminal, or write hoist.yml and run `hoist up --yes`.')],
		});
	}
	const dir = dirname(configPath);
	const mergeFile = typeof args.flags['merge'] === 'string' ? resolve(args.flags['merge']) : undefined;
	// Read before the first question: a file that is not there is said now, not after ten answers.
	const merge = mergeFile === undefined ? undefined : readMergeSettings(mergeFile);
	const acmeDirectory = mergedValue(merge, 'acme.directory');
	const ask = options.ask ?? terminalAsk(io);
	const composeFile = findComposeFile(dir);
	const localAddress = localPublicAddress();
	const facts: SetupFacts = {
		dir,
		env: io.env,
		aws: readAwsProfiles(io.env),
		...(composeFile ? {composeFile} : {}),
		...(localAddress ? {localAddress} : {}),
		addressEcho: addressEcho(addressEchoUrl(io.env)),
		...(typeof acmeDirectory === 'string' ? {acmeDirectory} : {}),
		...options.facts,
	};
	io.stdout.write('Setting up hoist for this folder: a few questions, then hoist.yml and the plan. Ctrl-C stops without writing anything.\n');
	const answers = await askSetup(ask, facts);
	const rendered = renderConfig(answers, options.today ?? new Date().toISOString().slice(0, 10));
	const text = merge ? mergeInto(rendered, merge) : rendered;
	// Never a hoist.yml that hoist itself would refuse: the answers passed the schema's own checks; merged settings may not.
	try {
		parseConfig(text, basename(configPath), dir);
	} catch (error) {
		if (!(error instanceof UserError) || !merge) throw error;
		throw new UserError(`The settings from ${printable(basename(merge.file))} do not fit: ${error.message}`, {
			code: 'USAGE',
			...(error.hint ? {hint: error.hint} : {}),
			nextSteps: [`Fix ${printable(merge.file)} and run \`hoist init --merge …\` again; nothing was written.`],
		});
	}
	// wx: a hoist.yml that appeared while the questions were open is not overwritten.
	writeFileSync(configPath, text, {flag: 'wx', mode: 0o644});

	const {SetupPlanScreen} = await import('../ui/ink/SetupPlanScreen.js');
	await showScreen(io, createElement(SetupPlanScreen, {plan: setupPlan(answers), configFile: shown}));
	for (const line of tokenNote(answers, io.env)) io.stdout.write(`${line}\n`);
	let go: boolean;
	try {
		go = await ask.confirm({message: answers.target.kind === 'aws' ? 'Create these now and deploy (hoist up)?' : 'Set up the server now and deploy (hoist up)?', default: true});
	} catch (error) {
		// The question's own words ("Nothing was changed") would hide that hoist.yml is there now.
		if (!(error instanceof CancelledError)) throw error;
		throw new CancelledError(`Stopped before anything was created. ${shown} is written: run \`hoist up\` when you are ready.`, [], error.signal);
	}
	if (!go) {
		io.stdout.write(`Nothing was created. ${shown} is written: change it if you like, then run \`hoist up\`.\n`);
		return 0;
	}
	return options.up(args, io);
}

/** The token's way in: never hoist.yml. */
function tokenNote(answers: SetupAnswers, env: NodeJS.ProcessEnv): string[] {
	if (!answers.registry) return [];
	const name = secretEnv.registryToken;
	return env[name]
		? [`The registry token comes from ${name} (it is set).`]
		: [`hoist up will ask for the registry token (hidden as you type, never stored). To skip the question next time: export ${name}=…`];
}
