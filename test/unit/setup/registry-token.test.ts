import {readFileSync} from 'node:fs';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import type {CommandLine} from '../../../source/cli/command.js';
import {askRegistryToken} from '../../../source/commands/up/registry-token.js';
import {configSchema} from '../../../source/config/schema.js';
import type {AnyStep} from '../../../source/engine/step.js';
import {main} from '../../../source/main.js';
import {fakeTty, keys} from '../../helpers/fake-tty.js';
import {makeTempStack, minimalConfig, type TempStack} from '../../helpers/temp-stack.js';

const token = 'ghp_Zx81LqTokenNeverShown';
const args: CommandLine = {config: 'hoist.yml', json: false, flags: {}, positionals: [], rest: []};
const withRegistry = configSchema.parse({stack: 'demo', domain: 'app.example.test', compose: {service: 'web', port: 8080}, aws: {sshCidr: '10.77.0.1/32'}, registry: {server: 'ghcr.io', username: 'octocat'}});

let stack: TempStack | undefined;
afterEach(() => stack?.cleanup());

describe('hoist up asks for a missing registry token', () => {
	it('on a terminal: hidden input (nothing echoed), kept in memory for the run', async () => {
		const tty = fakeTty();
		const asked = askRegistryToken(withRegistry, {registryTokens: {}}, args, tty.io);
		await tty.waitFor(/\? The token for octocat at ghcr\.io \(hidden; not stored; or set HOIST_REGISTRY_TOKEN\)/);
		await tty.type(keys.enter);
		await tty.waitFor(/^> type the token \(for GHCR: a personal access token with read:packages\)$/m);
		await tty.type(token, keys.enter);
		await expect(asked).resolves.toEqual({registryTokens: {HOIST_REGISTRY_TOKEN: token}});
		expect(tty.screen()).not.toContain(token);
		expect(tty.screen()).not.toMatch(/\*{5}/);
	});

	it('not when HOIST_REGISTRY_TOKEN gave it, not without a registry, never without a terminal', async () => {
		const tty = fakeTty();
		await expect(askRegistryToken(withRegistry, {registryTokens: {HOIST_REGISTRY_TOKEN: 'from-env'}}, args, tty.io)).resolves.toEqual({registryTokens: {HOIST_REGISTRY_TOKEN: 'from-env'}});
		await expect(askRegistryToken({...withRegistry, registry: undefined}, {registryTokens: {}}, args, tty.io)).resolves.toEqual({registryTokens: {}});
		await expect(askRegistryToken(withRegistry, {registryTokens: {}}, args, {...tty.io, stdin: new PassThrough() as unknown as NodeJS.ReadStream})).resolves.toEqual({registryTokens: {}});
		expect(tty.screen()).toBe('');
	});

	it('the typed token reaches the steps as HOIST_REGISTRY_TOKEN would, and stays out of the journal', {timeout: 15_000}, async () => {
		stack = makeTempStack(minimalConfig({extra: 'registry:\n  server: ghcr.io\n  username: octocat\n'}));
		let seen: string | undefined;
		const login: AnyStep = {
			id: 'registry-login',
			title: 'Log in',
			needs: [],
			check: async () => undefined,
			run: async (ctx) => {
				seen = ctx.services.secrets.registryTokens['HOIST_REGISTRY_TOKEN'];
				ctx.log(`logging in with ${seen ?? 'nothing'}`);
				return {loggedIn: true};
			},
		};
		const tty = fakeTty({TERM: 'xterm'});
		const code = main(['up', '--config', stack.config], {plan: [login], stdin: tty.io.stdin, stdout: tty.io.stdout, stderr: tty.io.stderr, env: tty.io.env});
		await tty.waitFor(/\? The token for octocat at ghcr\.io/);
		await tty.type(token, keys.enter);
		await expect(code).resolves.toBe(0);
		expect(seen).toBe(token);
		const journal = readFileSync(stack.journal, 'utf8');
		expect(journal).toContain('registry-login');
		expect(journal).not.toContain(token);
		expect(tty.screen()).not.toContain(token);
	});
});
