import {EventEmitter} from 'node:events';
import {mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import type {NodeSSH} from 'node-ssh';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {z} from 'zod';
import {configSchema} from '../../source/config/schema.js';
import {substepRow} from '../../source/engine/details.js';
import type {EngineEvent} from '../../source/engine/events.js';
import {Journal} from '../../source/engine/journal.js';
import {Redactor} from '../../source/engine/redactor.js';
import {runPlan, undoPlan, type RunEnvironment, type RunOptions} from '../../source/engine/runner.js';
import {stackFiles} from '../../source/engine/stack-files.js';
import {showWait} from '../../source/engine/step-scope.js';
import type {AnyStep} from '../../source/engine/step.js';
import {BugError, UserError, nextCommand} from '../../source/errors.js';
import {SshSession} from '../../source/remote/session.js';
import type {Services} from '../../source/services.js';
import {JsonRenderer} from '../../source/ui/json-renderer.js';
import {PlainRenderer} from '../../source/ui/plain-renderer.js';
import {repoRoot, sourceFiles} from '../helpers/source-files.js';
import {makeTempStack, type TempStack} from '../helpers/temp-stack.js';

const token = 'ghp_0123456789abcdefSECRET';
let stack: TempStack;
let events: EngineEvent[];
let env: RunEnvironment;

beforeEach(() => {
	stack = makeTempStack();
	mkdirSync(join(stack.dir, '.hoist'));
	events = [];
	const redactor = new Redactor();
	redactor.add(token);
	env = {
		config: configSchema.parse({stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}, aws: {sshCidr: '10.0.0.1/32'}}),
		files: stackFiles(stack.dir),
		services: {redactor, secrets: {registryTokens: {HOIST_REGISTRY_TOKEN: token}}} as unknown as Services,
		journal: Journal.open(stack.journal, 'demo', redactor),
		redactor,
		emit: (event) => events.push(event),
		signal: new AbortController().signal,
	};
});
afterEach(() => stack.cleanup());

const step = (id: string, behaviour: Partial<AnyStep> = {}): AnyStep => ({
	id,
	title: `Step ${id}`,
	needs: [],
	check: async () => undefined,
	run: async () => ({id}),
	...behaviour,
});

describe('runPlan', () => {
	it('shows an adapter\'s wait on the progress line of the step that is running (check, run and undo alike)', async () => {
		const waiting = async () => (await new Promise((resolve) => setImmediate(resolve)), showWait('AWS has not answered; asking again'));
		await runPlan([step('a', {check: async () => (await waiting(), undefined), run: async () => (await waiting(), {})})], env, {command: 'up'});
		await undoPlan([step('a', {undo: waiting})], env);
		showWait('outside any step');
		const shown = events.filter((event) => event.type === 'step-progress').map((event) => [event.stepId, event.message]);
		expect(shown).toEqual([
			['a', 'AWS has not answered; asking again'],
			['a', 'AWS has not answered; asking again'],
			['a', 'AWS has not answered; asking again'],
		]);
	});

	it('hands each step the outputs of the steps it needs, and nothing else', async () => {
		let seen: unknown;
		const plan = [
			step('a', {run: async () => ({value: 1})}),
			step('b', {run: async () => ({value: 2})}),
			step('c', {needs: ['a'], run: async (ctx) => ((seen = ctx.outputs), {})}),
		];
		expect((await runPlan(plan, env, {command: 'up'})).result).toBe('ok');
		expect(seen).toEqual({a: {value: 1}});
	});

	it('a step reads its own and another step\'s record only when it has the shape their schemas say; another shape counts as none', async () => {
		const shape = z.object({value: z.number()});
		env.journal.finishStep('a', {value: 'one'}, 1, false);
		env.journal.finishStep('b', {value: 2}, 1, false);
		const seen: unknown[] = [];
		const plan = [
			step('c', {check: async (ctx) => (seen.push(ctx.recorded('a' as never), ctx.recorded('b' as never)), undefined)}),
			step('a', {outputs: shape, check: async (ctx) => (seen.push(ctx.previous), undefined), run: async () => ({value: 1})}),
			step('b', {outputs: shape, check: async (ctx) => (seen.push(ctx.previous), ctx.previous)}),
		];
		expect((await runPlan(plan, env, {command: 'up'})).result).toBe('ok');
		expect(seen).toEqual([undefined, {value: 2}, undefined, {value: 2}]);
		expect(env.journal.step('a')?.outputs).toEqual({value: 1});
	});

	it('rejects a plan whose step needs a later one', async () => {
		await expect(runPlan([step('a', {needs: ['b']}), step('b')], env, {command: 'up'})).rejects.toThrow(BugError);
	});

	it('masks secrets in every event, and the journal never holds them', async () => {
		const plan = [
			step('login', {
				run: async (ctx) => {
					ctx.log(`docker login with ${token}`);
					ctx.progress(`using ${token}`);
					ctx.detail(substepRow({id: 'login', title: `login as ${token}`, state: 'failed'}));
					throw new Error(`registry said: bad token ${token}`);
				},
			}),
		];
		const outcome = await runPlan(plan, env, {command: 'up'});
		expect(outcome.result).toBe('failed');
		const text = JSON.stringify(events);
		expect(text).not.toContain(token);
		expect(text).toContain('docker login with ***');
		expect(events).toContainEqual(expect.objectContaining({type: 'step-detail', stepId: 'login', line: '✖ login as ***'}));
		expect(readFileSync(stack.journal, 'utf8')).not.toContain(token);
		expect(readFileSync(stack.journal, 'utf8')).toContain('registry said: bad token ***');
	});

	it('a step that returns a secret in its outputs fails as a bug, and the secret is not written', async () => {
		const outcome = await runPlan([step('leaky', {run: async () => ({token})})], env, {command: 'up'});
		expect(outcome.error?.kind).toBe('bug');
		expect(outcome.error?.code).toBe('SECRET_IN_JOURNAL');
		expect(readFileSync(stack.journal, 'utf8')).not.toContain(token);
	});

	it('a cancel interrupts the running step even if it ignores the signal; the step is left to be checked again', async () => {
		const controller = new AbortController();
		env = {...env, signal: controller.signal};
		const plan = [step('a'), step('slow', {run: () => new Promise(() => setTimeout(() => controller.abort(), 20))})];
		const outcome = await runPlan(plan, env, {command: 'up'});
		expect(outcome).toMatchObject({result: 'cancelled', stepId: 'slow'});
		expect(env.journal.step('slow')?.status).toBe('pending');
		expect(env.journal.step('a')?.status).toBe('done');
		expect(events.at(-1)).toMatchObject({type: 'run-finished', result: 'cancelled'});
	});

	it('emits started, progress, log and done in order, with reused for work found done', async () => {
		const plan = [
			step('found', {check: async () => ({already: true})}),
			step('made', {run: async (ctx) => (ctx.progress('half way', 0.5), ctx.log('a line'), {made: true})}),
		];
		await runPlan(plan, env, {command: 'up'});
		expect(events.map((event) => `${event.type}${'stepId' in event ? `:${event.stepId}` : ''}`)).toEqual([
			'run-started',
			'step-started:found',
			'step-done:found',
			'step-started:made',
			'step-progress:made',
			'step-log:made',
			'step-done:made',
			'run-finished',
		]);
		expect(events[2]).toMatchObject({reused: true});
		expect(events[6]).toMatchObject({reused: false});
	});
});

describe('undoPlan', () => {
	it('undoes the steps that can be undone, last first, then marks the journal destroyed', async () => {
		const order: string[] = [];
		const undo = (id: string) => async () => void order.push(id);
		const plan = [step('a', {undo: undo('a'), undoTitle: 'Remove a'}), step('b'), step('c', {undo: undo('c')})];
		const outcome = await undoPlan(plan, env);
		expect(outcome.result).toBe('ok');
		expect(order).toEqual(['c', 'a']);
		expect(events[0]).toMatchObject({type: 'run-started', steps: [{id: 'c', title: 'Undo: Step c'}, {id: 'a', title: 'Remove a'}]});
		expect(env.journal.data.destroyedAt).toBeDefined();
	});
});

/**
 * After a failed step the person reads how to go on once, with the command to type: the runner's resume line (or the
 * step's own, naming the same command), never beside it a vaguer "run the command again" from the error.
 */
describe('the advice to run again after a failed step', () => {
	class Collector extends Writable {
		text = '';

		override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
			this.text += chunk.toString();
			done();
		}
	}

	/** An SSH connection whose every command prints a line and exits with `code`. */
	function connectionExiting(code: number): NodeSSH {
		const connection = new EventEmitter() as EventEmitter & {exec: unknown};
		connection.exec = (_line: string, _options: object, callback: (error: Error | undefined, channel: unknown) => void) => {
			const channel = Object.assign(new PassThrough({emitClose: false}), {stderr: new PassThrough(), close: () => undefined});
			callback(undefined, channel);
			channel.end('apk: unable to select packages\n');
			channel.stderr.end();
			channel.once('end', () => setImmediate(() => channel.emit('close', code)));
		};
		return {connection} as unknown as NodeSSH;
	}

	/** A step whose command on the server fails: the error is the remote session's own (REMOTE_COMMAND_FAILED). */
	const failingOnServer: AnyStep = {
		id: 'bootstrap',
		title: 'Prepare the server',
		needs: [],
		check: async () => undefined,
		run: async () => {
			const session = new SshSession(connectionExiting(1), {hostKeyFingerprint: 'SHA256:x', redactor: new Redactor()});
			await session.run('apk add podman');
			return {};
		},
	};

	/** What a person reads after the run, in plain lines and in the JSON error: the next steps that say to run again. */
	async function runAgainAdvice(step: AnyStep, options: RunOptions): Promise<{plain: string[]; json: Array<{text: string; command?: string}>}> {
		await runPlan([step], env, options);
		const out = new Collector();
		const plain = new PlainRenderer(out, new Collector());
		const json = new Collector();
		const jsonRenderer = new JsonRenderer(json);
		for (const event of events) {
			plain.onEvent(event);
			jsonRenderer.onEvent(event);
		}
		const finished = json.text.trim().split('\n').map((line) => JSON.parse(line) as {type: string; error?: {nextSteps: Array<{text: string; command?: string}>}}).find((event) => event.type === 'run-finished');
		return {
			plain: out.text.split('\n').filter((line) => /\bagain\b/i.test(line)).map((line) => line.trim()),
			json: finished!.error!.nextSteps.filter((step) => /\bagain\b/i.test(step.text)),
		};
	}

	it('a command that failed on the server: one line to run `hoist up` again, with the step it resumes at', async () => {
		const advice = await runAgainAdvice(failingOnServer, {command: 'up'});
		expect(advice.plain).toEqual(['2. Run `hoist up` again: it resumes at step bootstrap.']);
		expect(advice.json).toEqual([{text: 'Run `hoist up` again: it resumes at step bootstrap.', command: 'hoist up'}]);
		// The journal keeps what the screen showed: `hoist status` and the bare `hoist` resume screen read it from there.
		expect(JSON.parse(readFileSync(stack.journal, 'utf8')).steps.bootstrap.error.nextSteps).toEqual([
			{text: 'Read the output above and fix the cause.'},
			{text: 'Run `hoist up` again: it resumes at step bootstrap.', command: 'hoist up'},
		]);
	});

	it('a rollback names the line it was run with (`hoist rollback 2`), once', async () => {
		const advice = await runAgainAdvice(failingOnServer, {command: 'rollback', resume: 'rollback 2'});
		expect(advice.plain).toEqual(['2. Run `hoist rollback 2` again.']);
		expect(advice.json).toEqual([{text: 'Run `hoist rollback 2` again.', command: 'hoist rollback 2'}]);
	});

	it('a step\'s own words about running again ("in a minute") name the command that is running, and stand alone', async () => {
		const inAMinute: AnyStep = {
			...failingOnServer,
			id: 'deploy',
			run: async (ctx) => {
				throw new UserError('The registry is busy.', {code: 'FIXTURE', nextSteps: [nextCommand(ctx.rerun, 'Run {command} again in a minute: it resumes here.')]});
			},
		};
		const advice = await runAgainAdvice(inAMinute, {command: 'deploy', resume: 'deploy --service web'});
		expect(advice.plain).toEqual(['1. Run `hoist deploy --service web` again in a minute: it resumes here.']);
		expect(advice.json).toEqual([{text: 'Run `hoist deploy --service web` again in a minute: it resumes here.', command: 'hoist deploy --service web'}]);
	});

	it('code that runs inside steps never words "run the command again" itself: the runner adds the exact command', () => {
		const vague = /\brun (the command|it) again\b|`hoist [^`]*` again/i;
		const found = ['steps', 'source/server', 'source/remote', 'source/tls']
			.flatMap(sourceFiles)
			.flatMap((path) => readFileSync(join(repoRoot, path), 'utf8').split('\n').map((line, index) => ({where: `${path}:${index + 1}`, line})))
			.filter(({line}) => !/^\s*(\/\/|\*|\/\*)/.test(line) && vague.test(line));
		expect(found.map(({where, line}) => `${where}: ${line.trim()}`)).toEqual([]);
	});
});
