import {describe, expect, it} from 'vitest';
import {load, problems, webWith} from './project-dir.js';

// Rule 1: YAML mistakes come back as `docker-compose.yml:line:col: words`, never a library dump or a stack.
describe('YAML errors', () => {
	it('a key set twice names the key and where it was first set', () => {
		expect(problems(webWith('image: ghcr.io/acme/web:2'))).toEqual([
			'docker-compose.yml:5:5: "image" is set twice in the same mapping (first at line 3); keep one',
		]);
	});

	it('an alias without an anchor', () => {
		expect(problems(webWith('environment: *common'))).toEqual(['docker-compose.yml:5:18: *common refers to no anchor: define &common before this alias']);
	});

	it('an alias used before its anchor', () => {
		const text = ['services:', '  web:', '    <<: *base', '    expose: ["8080"]', 'x-base: &base', '  image: ghcr.io/acme/web:1', ''].join('\n');
		expect(problems(text)).toEqual(['docker-compose.yml:3:9: *base refers to no anchor: define &base before this alias']);
	});

	it('aliases that multiply ("billion laughs")', () => {
		const text = [
			'x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
			'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
			'x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
			'x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
			'x-e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
			'services:',
			'  web:',
			'    image: ghcr.io/acme/web:1',
			'',
		].join('\n');
		expect(problems(text)).toEqual([
			'docker-compose.yml:3:10: aliases here expand into more than 1000 copies; write the repeated part out, or use one level of <<: *anchor',
		]);
	});

	it('more than one document', () => {
		expect(problems(`${webWith()}---\nservices: {}\n`)).toEqual([
			'docker-compose.yml:5:1: a second YAML document starts here (after ---); Compose reads one document per file: merge them into one, or remove the ---',
		]);
	});

	it('a tab used for indentation', () => {
		expect(problems('services:\n  web:\n\timage: ghcr.io/acme/web:1\n')).toEqual(['docker-compose.yml:3:1: a tab is used for indentation; YAML indents with spaces only']);
	});

	it('a mistake the reader has no words for still gets its place', () => {
		expect(problems('services:\n  web:\n    image: "ghcr.io/acme/web:1\n')).toEqual(['docker-compose.yml:4:1: invalid YAML: Missing closing "quote']);
		expect(problems('services:\n  web:\n    expose: [8080\n')).toEqual([
			'docker-compose.yml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
		]);
	});

	it('an empty file, a file of comments, and a file that is not a mapping', () => {
		expect(problems('')).toEqual(['docker-compose.yml:1:1: the file is empty; it needs a services: section']);
		expect(problems('# nothing yet\n')).toEqual(['docker-compose.yml:1:1: the file is empty; it needs a services: section']);
		expect(problems('- web\n- db\n')).toEqual(['docker-compose.yml:1:1: expected a mapping with a services: section at the top level']);
	});

	it('a byte order mark is accepted (both Compose versions skip it) and columns stay as an editor shows them', () => {
		const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(webWith())]);
		expect(Object.keys(load(bom).services)).toEqual(['web']);
		expect(problems(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('servics: {}\n')]))).toEqual([
			'docker-compose.yml:1:1: servics: unknown key (did you mean "services"?)',
		]);
	});

	it('merge keys (<<: *anchor) work, and a mistake inside a merged anchor is reported where it is written', () => {
		const text = [
			'x-defaults: &defaults',
			'  restart: unless-stopped',
			'  logging: {driver: local}',
			'services:',
			'  web:',
			'    <<: *defaults',
			'    image: ghcr.io/acme/web:1',
			'    expose: ["8080"]',
			'',
		].join('\n');
		const project = load(text);
		expect(project.services['web']).toMatchObject({restart: 'unless-stopped', hasLogging: true});
		expect(problems(text.replace('restart: unless-stopped', 'restart: [always]'))).toEqual([
			'docker-compose.yml:2:12: services.web.restart: expected a string, got a list',
		]);
	});

	describe('nesting past what a compose file needs is refused in words, with its place (issue 17)', () => {
		const deep = (levels: number) => {
			const lines = [webWith().trimEnd(), 'x-deep:'];
			for (let level = 1; level <= levels; level++) lines.push(`${'  '.repeat(level)}a:`);
			lines.push(`${'  '.repeat(levels + 1)}b: 1`, '');
			return lines.join('\n');
		};
		const nesting = /^docker-compose\.yml:\d+:\d+: mappings and lists nest more than 64 levels deep here; a compose file needs a handful: flatten this part$/;

		it.each([100, 1000, 2000])('%i nested mappings', (levels) => {
			const found = problems(deep(levels));
			expect(found).toHaveLength(1);
			expect(found[0]).toMatch(nesting);
		});

		it('1000 nested flow lists, and 63 levels that are still fine', () => {
			expect(problems(`${webWith()}x-deep: ${'['.repeat(1000)}1${']'.repeat(1000)}\n`)[0]).toMatch(nesting);
			expect(Object.keys(load(deep(62)).services)).toEqual(['web']);
		});

		it('an alias that makes the model deeper than the text', () => {
			const anchor = `x-anchor: &deep ${'['.repeat(10)}1${']'.repeat(10)}\n`;
			expect(problems(anchor + deep(60).replace('b: 1', 'b: *deep'))[0]).toMatch(nesting);
			expect(Object.keys(load(anchor + deep(40).replace('b: 1', 'b: *deep')).services)).toEqual(['web']);
		});
	});

	it('a key set twice among thousands of services is still found, at the second one', () => {
		const services = Array.from({length: 3000}, (_, index) => `  s${index}: {image: busybox}`);
		const text = ['services:', '  web: {image: ghcr.io/acme/web:1, expose: ["8080"]}', ...services, '  s7: {image: busybox}', ''].join('\n');
		expect(problems(text)).toEqual(['docker-compose.yml:3003:3: "s7" is set twice in the same mapping (first at line 10); keep one']);
	});
});
