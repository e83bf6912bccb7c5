import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import type {Config} from '../../config/schema.js';
import {situationOf, type UnfinishedRun} from '../../engine/situation.js';
import {BugError, UserError, nextCommand} from '../../errors.js';
import {printable} from '../../text/printable.js';
import {bareExitCodes, bareRoute, type BareInputs, type BareRoute} from './bare-route.js';
import type {CommandLine, CommandSpec} from '../../cli/command.js';
import {askChoice, askYesNo, canAsk, Declined} from '../../cli/confirm.js';
import {showScreen} from '../../cli/terminal.js';
import type {CommandIo} from '../../cli/io.js';
import type {ReadOnlyStack} from '../../cli/read-only.js';

/** Everything bare `hoist` decides from, read once: whether a person can answer, and hoist.yml, the journal and the lock. */
export interface BareFacts extends BareInputs {
	/** The stack beside hoist.yml as read (without the lock); undefined when there is no hoist.yml. */
	stack: ReadOnlyStack | undefined;
}

/**
 * `hoist` without a command: reads the situation once (readBareFacts), decides the way on from it (bareRoute), and
 * hands off. Every way on runs an existing command (up, up --from, destroy, status) through the command table, so
 * nothing here duplicates their work; a command that only reads gets the stack as already read.
 * Without a terminal it never asks: it prints what it would offer, with the command for each.
 */
export async function runBare(args: CommandLine, io: CommandIo, table: readonly CommandSpec[]): Promise<number> {
	const facts = await readBareFacts(args, io);
	const route = bareRoute(facts);
	const {stack} = facts;
	if (route.kind === 'setup' || stack === undefined) {
		const {noHoistYml} = await import('./no-hoist-yml.js');
		return noHoistYml(args, io, facts.terminal);
	}
	switch (route.kind) {
		case 'status':
			return runCommand(table, 'status', {}, args, io, stack);
		case 'first-run':
			return firstRun(route, stack, args, io, table);
		case 'resume':
			return resume(route, stack, args, io, table);
	}
}

/** The one read of bare `hoist`: the terminal, hoist.yml, the journal and the lock, and how the last run ended. */
export async function readBareFacts(args: CommandLine, io: CommandIo): Promise<BareFacts> {
	const terminal = await canAsk(args, io);
	const configFound = existsSync(resolve(args.config));
	const stack = configFound ? await (await import('../../cli/read-only.js')).openReadOnly(args.config) : undefined;
	return {terminal, configFound, stack, situation: situationOf(stack?.journal?.data, stack?.running)};
}

/**
 * Runs another command of the table as if it had been typed, with these flags. A command that only reads the stack
 * gets it as bare `hoist` read it; one that takes the lock reads it again under the lock (it may have changed).
 */
async function runCommand(table: readonly CommandSpec[], name: string, flags: CommandLine['flags'], args: CommandLine, io: CommandIo, read?: ReadOnlyStack, positionals: string[] = []): Promise<number> {
	const command = table.find((candidate) => candidate.name === name);
	if (!command) throw new BugError(`Bare \`hoist\` wanted the command "${name}", which the table does not have.`, {code: 'BUG_COMMAND_TABLE'});
	const line: CommandLine = {config: args.config, json: args.json, flags, positionals, rest: []};
	const {stackAccess} = await import('../../cli/stack-access.js');
	return command.run({args: line, io, stack: stackAccess(command.needs, line, io, read)});
}

async function firstRun(route: Extract<BareRoute, {kind: 'first-run'}>, stack: ReadOnlyStack, args: CommandLine, io: CommandIo, table: readonly CommandSpec[]): Promise<number> {
	const config = loadedConfig(stack);
	const head = route.destroyedAt
		? `Stack ${config.stack} was destroyed at ${route.destroyedAt}.`
		: `Nothing has run for stack ${config.stack} yet (no journal in ${stack.files.stateDir}).`;
	if (args.json) {
		const {writeJsonEvent} = await import('../../ui/json-events.js');
		writeJsonEvent(io.stdout, {type: 'first-run', stack: config.stack, ...(route.destroyedAt ? {destroyedAt: route.destroyedAt} : {}), next: 'hoist up'});
		return bareExitCodes.ok;
	}
	if (!route.ask) {
		io.stdout.write(`${printable(head)}\nNext: run \`hoist up\` to create the server and deploy.\n`);
		return bareExitCodes.ok;
	}
	io.stdout.write(`${printable(head)}\n`);
	if (!(await askYesNo(io, `Run \`hoist up\` now (${config.aws ? 'a new EC2 instance' : `the server ${printable(config.server?.host ?? '')}`}, then ${printable(config.domain)})?`))) {
		throw new Declined('Nothing was changed. Run `hoist up` when you are ready.');
	}
	return runCommand(table, 'up', {}, args, io);
}

async function resume(route: Extract<BareRoute, {kind: 'resume'}>, stack: ReadOnlyStack, args: CommandLine, io: CommandIo, table: readonly CommandSpec[]): Promise<number> {
	const {resumeJson, resumeLines, resumeOffers} = await import('../../ui/resume-view.js');
	const steps = await planSteps(stack, route.run, io);
	const offers = resumeOffers(route.run, steps);
	const view = {stack: stack.journal?.data.stack ?? stack.config?.stack ?? '', run: route.run, steps, offers, now: Date.now()};
	if (args.json) {
		(await import('../../ui/json-events.js')).writeJsonEvent(io.stdout, resumeJson(view));
		return bareExitCodes.unfinished;
	}
	if (!route.ask) {
		io.stdout.write(`${resumeLines(view).join('\n')}\n`);
		return bareExitCodes.unfinished;
	}
	if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') process.env['FORCE_COLOR'] = '0';
	const {resumeScreen} = await import('../../ui/ink/ResumeScreen.js');
	await showScreen(io, resumeScreen(view));
	const choice = await askChoice(io, 'What now?', [
		...offers.map((offer) => ({value: offer.action, name: offer.label, description: offer.command})),
		{value: 'quit' as const, name: 'Quit: leave everything as it is', description: 'Run `hoist` again later'},
	]);
	switch (choice) {
		case 'resume':
			return resumeRun(table, route.run, args, io);
		case 'restart-from': {
			const from = await askChoice(
				io,
				'Run again from which step? (it and every step after it run, even if they look done)',
				steps.map((step) => ({value: step.id, name: `${step.id} — ${step.title}`, description: `hoist up --from ${step.id}`})),
				route.run.stepId,
			);
			return runCommand(table, 'up', {from}, args, io);
		}
		case 'destroy':
			// destroy asks its own question, naming what it removes.
			return runCommand(table, 'destroy', {}, args, io);
		case 'quit':
			throw new Declined('Nothing was changed.');
	}
}

/**
 * The unfinished run's command again, with the arguments it ran with (`rollback 2 --with-jobs`, `deploy --service web`)
 * as the journal recorded them, parsed as if typed. A recorded line of another command is not followed.
 */
async function resumeRun(table: readonly CommandSpec[], run: UnfinishedRun, args: CommandLine, io: CommandIo): Promise<number> {
	const {flags, positionals} = await resumedLine(run, table);
	return runCommand(table, run.command, flags, args, io, undefined, positionals);
}

export async function resumedLine(run: UnfinishedRun, table: readonly CommandSpec[]): Promise<Pick<CommandLine, 'flags' | 'positionals'>> {
	if (run.resume === undefined) return {flags: {}, positionals: []};
	const {parseCommandLine} = await import('../../cli/parse.js');
	const typed = parseCommandLine(run.resume.split(' '), table);
	if (typed.command?.name !== run.command) {
		throw new UserError(printable(`.hoist/state.json is damaged: its last run, of ${run.command}, says to resume with "${run.resume}".`), {
			code: 'JOURNAL_UNREADABLE',
			hint: 'hoist did not change it.',
			nextSteps: [nextCommand(`hoist ${run.command}`, 'If you edited .hoist/state.json by hand, undo the edit; or run {command} yourself.')],
		});
	}
	return {flags: typed.args.flags, positionals: typed.args.positionals};
}

/**
 * The plan's steps (id and title) for "restart from a step"; none after a destroy, or when hoist.yml does not load.
 * From the plan's outline: loading the steps themselves (the AWS SDK) would hold up the screen for a list.
 */
async function planSteps(stack: ReadOnlyStack, run: UnfinishedRun, io: CommandIo): Promise<Array<{id: string; title: string}>> {
	if (run.command !== 'up' || !stack.config) return [];
	if (io.plan) return io.plan.map((step) => ({id: step.id, title: step.title}));
	const {planOutline} = await import('../../wizard/outline.js');
	return planOutline(stack.config);
}

function loadedConfig(stack: ReadOnlyStack): Config {
	if (!stack.config) throw stack.configError ?? new BugError('hoist.yml neither loaded nor failed.', {code: 'BUG_CONFIG'});
	return stack.config;
}
