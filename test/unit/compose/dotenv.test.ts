import {describe, expect, it} from 'vitest';
import {parseDotenv} from '../../../source/compose/dotenv.js';

const noEnvironment = () => undefined;
const values = (text: string, environment: (name: string) => string | undefined = noEnvironment) => {
	const result = parseDotenv(text, environment);
	expect(result.problems).toEqual([]);
	return Object.fromEntries(result.values);
};

describe('.env files', () => {
	it('reads KEY=value lines, comments, blank lines and the export prefix', () => {
		const text = ['# the web release', '', 'WEB_TAG=v2', '  export DB_USER=app', 'export\tDB_NAME = shop ', 'EMPTY=', '  # indented comment'].join('\n');
		expect(values(text)).toEqual({WEB_TAG: 'v2', DB_USER: 'app', DB_NAME: 'shop', EMPTY: ''});
	});

	it('strips a comment after a space in an unquoted value, but keeps a # inside a word', () => {
		expect(values('A=one # comment\nB=color#ff0000\nC=two\t# tab comment')).toEqual({A: 'one', B: 'color#ff0000', C: 'two'});
	});

	it('single quotes are literal; double quotes know escapes and may span lines', () => {
		const text = ["A='it is $NAME # not a comment'", 'B="line1\\nline2 \\"quoted\\" \\\\ end" # comment', 'C="first', 'second"', "D=''"].join('\n');
		expect(values(text, (name) => (name === 'NAME' ? 'web' : undefined))).toEqual({
			A: 'it is $NAME # not a comment',
			B: 'line1\nline2 "quoted" \\ end',
			C: 'first\nsecond',
			D: '',
		});
	});

	it('expands references to the environment and to earlier keys; the environment wins; a stray $ stays', () => {
		const environment = (name: string) => ({HOME_DIR: '/home/me', TAG: 'from-env'})[name];
		const text = ['TAG=from-file', 'BASE=${HOME_DIR}/app', 'FULL="$BASE/${TAG}"', 'PASSWORD=pa$1word', 'DEFAULTED=${NOPE:-dflt}'].join('\n');
		expect(values(text, environment)).toEqual({
			TAG: 'from-file',
			BASE: '/home/me/app',
			FULL: '/home/me/app/from-env',
			PASSWORD: 'pa$1word',
			DEFAULTED: 'dflt',
		});
	});

	it('ignores a byte order mark and Windows line ends; a line with only a key sets nothing', () => {
		expect(values('\uFEFFA=1\r\nONLY_KEY\r\nB=2\r\n')).toEqual({A: '1', B: '2'});
	});

	it('reports bad lines with line and column', () => {
		// An unclosed quote runs to the end of the file (quoted values may span lines), so it comes last.
		const result = parseDotenv(['OK=1', 'not a key=2', '', "B='x' trailing", 'C=${MISSING:?needed}', '  A="unterminated', 'D=1'].join('\n'), noEnvironment);
		expect(result.problems).toEqual([
			{line: 2, col: 1, message: '"not a key" is not a variable name; lines look like NAME=value'},
			{line: 4, col: 3, message: 'unexpected text after the quoted value of B; put the whole value in the quotes'},
			{line: 5, col: 3, message: 'C: MISSING is not set (needed); set it in the environment or in .env'},
			{line: 6, col: 5, message: 'the value of A has no closing "'},
		]);
		expect(Object.fromEntries(result.values)).toEqual({OK: '1', C: ''});
	});
});
