import {interpolate, type Lookup} from './interpolate.js';

export interface DotenvProblem {
	line: number;
	col: number;
	message: string;
}

export interface Dotenv {
	values: Map<string, string>;
	problems: DotenvProblem[];
}

const keyPattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const escapes: Record<string, string> = {n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"'};

/**
 * Reads a Compose `.env` file: `KEY=value` lines, `#` comments (whole lines, or after a space in an unquoted
 * value), an optional `export ` prefix, 'single quotes' (literal), "double quotes" (escapes \n \r \t \\ \", may
 * span lines), and references to the environment or to earlier keys in unquoted and double-quoted values, as
 * docker compose does; a `$` that starts no reference stays as written (values here are often passwords). A
 * line that is only a key sets nothing here (in env files it means "take it from the environment").
 *
 * `environment` is consulted for references before earlier keys, because the environment wins over .env.
 */
export function parseDotenv(text: string, environment: Lookup): Dotenv {
	const values = new Map<string, string>();
	const problems: DotenvProblem[] = [];
	const lookup: Lookup = (name) => environment(name) ?? values.get(name);
	const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const lines = source.split(/\r?\n/);
	for (let index = 0; index < lines.length; index++) {
		const lineNumber = index + 1;
		const raw = lines[index] ?? '';
		const trimmed = raw.trimStart();
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		const indent = raw.length - trimmed.length;
		const body = trimmed.replace(/^export[ \t]+/, '');
		const bodyStart = indent + (trimmed.length - body.length);
		const equals = body.indexOf('=');
		const key = (equals === -1 ? body : body.slice(0, equals)).trim();
		if (!keyPattern.test(key)) {
			problems.push({line: lineNumber, col: bodyStart + 1, message: `"${key}" is not a variable name; lines look like NAME=value`});
			continue;
		}
		if (equals === -1) continue;
		let rest = body.slice(equals + 1).replace(/^[ \t]+/, '');
		const valueCol = raw.length - rest.length + 1;
		const quote = rest[0];
		if (quote === "'" || quote === '"') {
			// A quoted value may continue on the next lines until its closing quote.
			let end = closingQuote(rest, quote);
			while (end === -1 && index + 1 < lines.length) {
				rest += `\n${lines[++index] ?? ''}`;
				end = closingQuote(rest, quote);
			}
			if (end === -1) {
				problems.push({line: lineNumber, col: valueCol, message: `the value of ${key} has no closing ${quote}`});
				continue;
			}
			const after = rest.slice(end + 1).trim();
			if (after !== '' && !after.startsWith('#')) {
				problems.push({line: lineNumber, col: valueCol, message: `unexpected text after the quoted value of ${key}; put the whole value in the quotes`});
				continue;
			}
			const inner = rest.slice(1, end);
			if (quote === "'") values.set(key, inner);
			else setExpanded(key, inner.replace(/\\(.)/g, (whole, char: string) => escapes[char] ?? whole), lineNumber, valueCol);
			continue;
		}
		setExpanded(key, rest.replace(/(^|[ \t])#.*$/, '').trimEnd(), lineNumber, valueCol);
	}
	return {values, problems};

	function setExpanded(key: string, value: string, line: number, col: number): void {
		const outcome = interpolate(value, lookup, {lenient: true});
		for (const error of outcome.errors) problems.push({line, col, message: `${key}: ${error}`});
		values.set(key, outcome.value);
	}
}

function closingQuote(text: string, quote: string): number {
	for (let index = 1; index < text.length; index++) {
		if (text[index] === '\\' && quote === '"') index++;
		else if (text[index] === quote) return index;
	}
	return -1;
}
