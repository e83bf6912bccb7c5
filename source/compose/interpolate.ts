import type {Finding, ModelPath} from './locate.js';

/** A variable's value, or undefined when it is not set at all (set-but-empty is ""). */
export type Lookup = (name: string) => string | undefined;

export interface TemplateOutcome {
	value: string;
	/** Mistakes in words: bad syntax, or a `${VAR:?message}` whose variable is missing. */
	errors: string[];
	/** Variables used without a default (`$VAR`, `${VAR}`) that are not set: they became empty strings. */
	unset: string[];
}

/** How deep `${A:-${B:-…}}` may nest: real files use two or three levels; thousands would overflow the stack. */
export const maxReferenceNesting = 32;

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;
const bracedPattern = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?/;

/**
 * Interpolates one string the way the Compose specification says: `$$` is a literal `$`; `$VAR` and `${VAR}`;
 * `${VAR:-default}` / `${VAR-default}` (default when unset or empty / only when unset); `${VAR:?message}` /
 * `${VAR?message}` (an error); `${VAR:+alt}` / `${VAR+alt}` (alt when set). Defaults, messages and alternatives
 * may themselves hold references (`${A:-${B:-x}}`); they are expanded only when used, so the unused branch
 * never fails.
 */
export function interpolate(text: string, lookup: Lookup, options: {lenient?: boolean} = {}): TemplateOutcome {
	const outcome: TemplateOutcome = {value: '', errors: [], unset: []};
	outcome.value = expand(text, 0, text.length, {lookup, lenient: options.lenient ?? false, outcome, depth: 0});
	return outcome;
}

/**
 * lenient: a `$` that starts no reference stays a literal `$`, as in docker compose's .env reader (values there
 * are often passwords); in the compose file itself such a `$` is an error, as both Compose versions say.
 */
interface Context {
	lookup: Lookup;
	lenient: boolean;
	outcome: TemplateOutcome;
	/** How many `${…}` enclose the text being expanded. */
	depth: number;
}

function expand(text: string, from: number, to: number, context: Context): string {
	const {outcome} = context;
	let out = '';
	let index = from;
	while (index < to) {
		const dollar = text.indexOf('$', index);
		if (dollar === -1 || dollar >= to) return out + text.slice(index, to);
		out += text.slice(index, dollar);
		const next = text[dollar + 1];
		if (dollar + 1 < to && next === '$') {
			out += '$';
			index = dollar + 2;
		} else if (dollar + 1 < to && next === '{') {
			if (context.depth >= maxReferenceNesting) {
				outcome.errors.push(`references nest more than ${maxReferenceNesting} levels deep (\${A:-\${B:-…}}); a few levels are enough`);
				return out;
			}
			const close = closingBrace(text, dollar + 2, to);
			if (close === -1) {
				if (context.lenient) return out + text.slice(dollar, to);
				outcome.errors.push(`"${text.slice(dollar, to)}" has no closing }`);
				return out;
			}
			out += braced(text, dollar + 2, close, context);
			index = close + 1;
		} else {
			const name = namePattern.exec(text.slice(dollar + 1, to))?.[0];
			if (name === undefined) {
				if (context.lenient) {
					out += '$';
					index = dollar + 1;
					continue;
				}
				outcome.errors.push(`a "$" must start a variable ($NAME or \${NAME}); write $$ for a literal $`);
				return out;
			}
			out += plain(name, context);
			index = dollar + 1 + name.length;
		}
	}
	return out;
}

/** The `}` that closes a `${` opened just before `from`, skipping nested `${…}` and `$$`. */
function closingBrace(text: string, from: number, to: number): number {
	let depth = 1;
	for (let index = from; index < to; index++) {
		const char = text[index];
		if (char === '$' && (text[index + 1] === '{' || text[index + 1] === '$')) {
			if (text[index + 1] === '{') depth++;
			index++;
		} else if (char === '}' && --depth === 0) {
			return index;
		}
	}
	return -1;
}

function braced(text: string, from: number, to: number, context: Context): string {
	const {lookup, outcome} = context;
	const inner = text.slice(from, to);
	const match = bracedPattern.exec(inner);
	const name = match?.[1];
	const operator = match?.[2] ?? '';
	if (!match || name === undefined || (operator === '' && inner !== name)) {
		if (context.lenient) return `\${${inner}}`;
		outcome.errors.push(`"\${${inner}}" is not a valid reference: use \${NAME}, \${NAME:-default}, \${NAME:?message} or \${NAME:+alternative}`);
		return '';
	}
	const argument = () => expand(text, from + match[0].length, to, {...context, depth: context.depth + 1});
	const value = lookup(name);
	const isSet = value !== undefined;
	const isNonEmpty = isSet && value !== '';
	switch (operator) {
		case '':
			return plain(name, context);
		case ':-':
			return isNonEmpty ? value : argument();
		case '-':
			return isSet ? value : argument();
		case ':+':
			return isNonEmpty ? argument() : '';
		case '+':
			return isSet ? argument() : '';
		default: {
			// ':?' fails when unset or empty, '?' only when unset.
			if (operator === '?' ? isSet : isNonEmpty) return value ?? '';
			const message = argument();
			const state = isSet ? 'empty' : 'not set';
			outcome.errors.push(`${name} is ${state}${message ? ` (${message})` : ''}; set it in the environment or in .env`);
			return '';
		}
	}
}

function plain(name: string, {lookup, outcome}: Context): string {
	const value = lookup(name);
	if (value === undefined) {
		outcome.unset.push(name);
		return '';
	}
	return value;
}

export interface ModelInterpolation {
	data: unknown;
	problems: Finding[];
	/** One per variable, at its first use: unset and without a default, so it became an empty string. */
	unset: Array<{name: string; path: ModelPath}>;
}

/** Interpolates every string value of the model (keys are left alone, as Compose does). */
export function interpolateModel(data: unknown, lookup: Lookup): ModelInterpolation {
	const result: ModelInterpolation = {data: undefined, problems: [], unset: []};
	const seen = new Set<string>();
	const walk = (value: unknown, path: Array<string | number>): unknown => {
		if (typeof value === 'string') {
			if (!value.includes('$')) return value;
			const outcome = interpolate(value, lookup);
			for (const error of outcome.errors) result.problems.push({path: [...path], message: error});
			for (const name of outcome.unset) {
				if (seen.has(name)) continue;
				seen.add(name);
				result.unset.push({name, path: [...path]});
			}
			return outcome.value;
		}
		if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
		}
		return value;
	};
	result.data = walk(data, []);
	return result;
}
