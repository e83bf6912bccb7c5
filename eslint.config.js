// The linter (`npm run lint`, first thing `npm test` does): ESLint's and typescript-eslint's recommended rules over
// everything in the repository, and React's rules of hooks where the hooks are (the Ink screens and their tests).
// Settings below say how this code already writes what the rules would otherwise flag.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/']},
	js.configs.recommended,
	tseslint.configs.recommended,
	{
		files: ['source/ui/**', 'test/screens/**'],
		...reactHooks.configs.flat['recommended-latest'],
	},
	{
		languageOptions: {globals: globals.node},
		linterOptions: {reportUnusedDisableDirectives: 'error'},
		rules: {
			// A variable a callback reads before it is assigned (a server's handler and the server) stays a let.
			'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
			// A leading underscore names what is there only to be left out: `const {secret: _secret, ...rest} = x`.
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true}],
		},
	},
);
