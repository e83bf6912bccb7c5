// A stack on a server as the deploy and release steps see it through a FakeSession: compose and Podman answering
// the commands those steps send (state, image ids, compose up, logs, probes, retire), with containers that change
// as compose would change them.
import type {RemoteCommand} from '../../source/remote/commands/command.js';
import {stateSections} from '../../source/server/commands/compose.js';
import type {Target} from '../../source/remote/target.js';
import type {BootstrapOutputs} from '../../steps/bootstrap.js';
import type {ComposeOutputs} from '../../steps/compose.js';
import type {UploadOutputs} from '../../steps/upload.js';
import type {FakeAnswer} from './fake-session.js';

/** What the steps before deploy and release recorded: the stack `demo` of these services, bootstrapped with `manager`. */
export function recordedBefore(target: Target, services: ComposeOutputs['services'], manager: BootstrapOutputs['manager'] = 'openrc') {
	const bootstrap: BootstrapOutputs = {os: 'alpine', version: '3.20.3', manager, compose: 'v2', installed: [], composeCommand: ['docker', 'compose'], hash: 'h'};
	const compose: ComposeOutputs = {file: 'docker-compose.yml', services, webNetworks: ['default'], namedVolumes: []};
	const upload: UploadOutputs = {dir: '/srv/hoist/demo', files: {}, boot: manager};
	return {target, bootstrap, compose, upload};
}

/** A configuration hash that reads as its letter (a hex digit, as compose's hashes are). */
export const hash = (letter: string) => letter.repeat(64).slice(0, 64);

export interface FakeContainer {
	id: string;
	service: string;
	configHash: string;
	image: string;
	imageId: string;
	state?: 'running' | 'exited';
	exitCode?: number;
}

/**
 * The containers, the configuration hash compose gives each service now, and the image id each tag names. `compose
 * up` creates what is missing or out of date (only the services named, with --no-deps), `--scale` starts one more
 * beside, `retire` removes containers; a one-shot service exits 0, or the code `failsOnUp` gives it (then compose
 * up fails too).
 */
export class FakeStack {
	readonly containers: FakeContainer[] = [
		{id: 'web-old', service: 'web', configHash: hash('a'), image: 'registry.test/web:v2', imageId: 'sha256:web1'},
		{id: 'db-1', service: 'db', configHash: hash('b'), image: 'postgres:16', imageId: 'sha256:pg1'},
		{id: 'caddy-1', service: 'hoist-caddy', configHash: hash('c'), image: 'caddy:2', imageId: 'sha256:caddy1'},
	];
	readonly hashes = new Map([['web', hash('a')], ['db', hash('b')], ['hoist-caddy', hash('c')]]);
	readonly imageIds = new Map([['registry.test/web:v2', 'sha256:web1'], ['postgres:16', 'sha256:pg1'], ['caddy:2', 'sha256:caddy1']]);
	readonly failsOnUp = new Map<string, number>();
	/** One-shot services whose next start Podman loses track of: the container runs and exits, compose stops there. */
	readonly lostOnUp = new Set<string>();
	/** Services that run once and exit (0 unless in `failsOnUp`). */
	readonly oneShots = new Set<string>();
	/** What `compose logs SERVICE` prints. */
	readonly logs = new Map<string, string>();
	/** How many probes of a new container fail before it answers (Infinity: it never does). */
	failingProbes = 0;
	/** What the Caddy image's version label says. */
	caddyVersion = 'v2.11.2';
	#started = 0;

	static empty(): FakeStack {
		const stack = new FakeStack();
		stack.containers.length = 0;
		return stack;
	}

	readonly answer = (command: RemoteCommand): FakeAnswer | undefined => {
		const title = command.title ?? '';
		if (title === 'read the state of the stack') return this.#state();
		if (title.startsWith('read the Caddy version of ')) return `${this.caddyVersion}\n`;
		if (title === 'read image ids') return [...this.imageIds].map(([image, id]) => `${image} ${id}`).join('\n');
		// The container that served before the release has .5; the one a release starts beside it .7.
		if (title.startsWith('find the address of ')) return `10.89.0.${title.endsWith('web-old') ? 5 : 7} \n`;
		if (title.startsWith('ask http://')) return {exitCode: this.failingProbes-- > 0 ? 7 : 0};
		if (title === 'compose up' || title.startsWith('compose up ')) return this.#up(command.line);
		if (title.startsWith('read the logs of ')) return this.logs.get(title.slice('read the logs of '.length)) ?? '';
		if (title.startsWith('retire ')) {
			const retired = command.line.split(/\s+/);
			this.containers.splice(0, Infinity, ...this.containers.filter((c) => !retired.includes(c.id)));
		}
		return undefined;
	};

	#up(locked: string): FakeAnswer | undefined {
		// The compose command itself, without the stack lock around it (underStackLock).
		const line = /\(exec 9>&-\n(cd [\s\S]*)\)\nexit \$\?$/.exec(locked)?.[1] ?? locked;
		const named = line.includes('--no-deps');
		const words = line.slice(line.indexOf(named ? '--no-deps' : ' up ')).replaceAll('\\', '').split(' ');
		const scale = words.includes('--scale') ? words[words.indexOf('--scale') + 1]!.split('=')[0] : undefined;
		const services = named ? words.filter((word, index) => word !== '' && !word.startsWith('--') && words[index - 1] !== '--scale') : [...this.hashes.keys()];
		let failed = false;
		for (const service of services) {
			const current = this.containers.find((c) => c.service === service);
			if (!named && current?.configHash === this.hashes.get(service)) continue;
			const image = current?.image ?? `registry.test/${service}:v1`;
			const exitCode = this.failsOnUp.get(service) ?? (this.oneShots.has(service) ? 0 : undefined);
			failed ||= this.failsOnUp.has(service);
			const fresh: FakeContainer = {
				id: `${service}-${++this.#started}`, service, configHash: this.hashes.get(service)!, image, imageId: this.imageIds.get(image) ?? 'sha256:new',
				...(exitCode === undefined ? {} : {state: 'exited' as const, exitCode}),
			};
			if (current && scale !== service) this.containers.splice(this.containers.indexOf(current), 1);
			this.containers.push(fresh);
			if (this.lostOnUp.delete(service)) return {lines: [`ERROR: for ${service}  read /proc/9708/cgroup: no such process`], exitCode: 1};
		}
		return failed ? {lines: ['ERROR: for web  Container exited with code 1'], exitCode: 1} : undefined;
	}

	#state(): string {
		const ps = this.containers.map((c) => ({
			Id: c.id, Names: [`demo_${c.id}`], State: c.state ?? 'running', ExitCode: c.exitCode ?? 0, Image: c.image, ImageID: c.imageId,
			Labels: {'com.docker.compose.service': c.service, 'com.docker.compose.config-hash': c.configHash},
		}));
		return [
			stateSections.hashes, ...[...this.hashes].map(([service, value]) => `${service} ${value}`),
			stateSections.containers, JSON.stringify(ps),
			stateSections.details, ...this.containers.map((c) => `${c.id} - sha256:${c.imageId.slice(7)}${'0'.repeat(60)} 0 1700000000`),
			'',
		].join('\n');
	}
}
