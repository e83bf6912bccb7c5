import {chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach} from 'vitest';
import {HoistError} from '../../../source/errors.js';
import {loadComposeProject, type ComposeCheckOptions, type ComposeProject} from '../../../source/compose/project.js';

const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, {recursive: true, force: true});
});

export type Files = Record<string, string | Buffer | {content: string | Buffer; mode: number}>;

/** A fresh directory holding `files` (paths relative to it, folders created); removed after the test. */
export function projectDir(files: Files): string {
	const root = realpathSync(mkdtempSync(join(tmpdir(), 'hoist-compose-')));
	made.push(root);
	const dir = join(root, 'project');
	mkdirSync(dir);
	for (const [path, spec] of Object.entries(files)) {
		const full = join(dir, path);
		mkdirSync(dirname(full), {recursive: true});
		const content = typeof spec === 'string' || Buffer.isBuffer(spec) ? spec : spec.content;
		writeFileSync(full, content);
		if (typeof spec === 'object' && !Buffer.isBuffer(spec)) chmodSync(full, spec.mode);
	}
	return dir;
}

export interface LoadOptions extends Partial<Omit<ComposeCheckOptions, 'file' | 'web'>> {
	files?: Files;
	/** One routed service (or several); web on 8080 unless told. */
	web?: ComposeCheckOptions['web'][number] | ComposeCheckOptions['web'];
	/** How messages name the one routed service's settings. */
	settings?: {service: string; port: string};
}

/** Loads `compose` as docker-compose.yml in a fresh project directory (web: web on 8080 unless told). */
export function load(compose: string | Buffer, options: LoadOptions = {}): ComposeProject & {root: string} {
	const dir = projectDir({'docker-compose.yml': compose, ...options.files});
	const project = loadComposeProject({
		file: join(dir, 'docker-compose.yml'),
		env: options.env ?? {},
		web: webs(options),
		...(options.engine ? {engine: options.engine} : {}),
	});
	return {...project, root: dir};
}

function webs(options: LoadOptions): ComposeCheckOptions['web'] {
	const web = options.web ?? {service: 'web', port: 8080};
	if (Array.isArray(web)) return web;
	return [{...(web as ComposeCheckOptions['web'][number]), ...(options.settings ? {settings: options.settings} : {})}];
}

/** Every located problem a failed load reports (the message, then the ones in the hint), or throws if it loads. */
export function problems(compose: string | Buffer, options: LoadOptions = {}): string[] {
	try {
		load(compose, options);
	} catch (error) {
		if (!(error instanceof HoistError)) throw error;
		expectCode(error);
		const more = (error.hint ?? '').split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line) || line.startsWith('…and '));
		return [error.message, ...more];
	}
	throw new Error('the compose file loaded without problems');
}

function expectCode(error: HoistError): void {
	if (error.code !== 'COMPOSE_INVALID' || error.kind !== 'user') throw new Error(`unexpected ${error.kind} error ${error.code}: ${error.message}`);
}

/** A compose file with a web service on 8080 and `extra` lines appended under services.web (indented 4). */
export function webWith(...extra: string[]): string {
	return ['services:', '  web:', '    image: ghcr.io/acme/web:1', '    expose: ["8080"]', ...extra.map((line) => `    ${line}`), ''].join('\n');
}
