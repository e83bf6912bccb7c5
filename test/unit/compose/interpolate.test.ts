import {describe, expect, it} from 'vitest';
import {interpolate, interpolateModel} from '../../../source/compose/interpolate.js';

const variables: Record<string, string> = {NAME: 'web', EMPTY: '', TAG: 'v2'};
const lookup = (name: string) => variables[name];
const value = (text: string) => interpolate(text, lookup);

describe('interpolation as the Compose specification defines it', () => {
	it.each([
		['$NAME', 'web'],
		['${NAME}', 'web'],
		['image:$TAG-x', 'image:v2-x'],
		['${NAME}_${TAG}', 'web_v2'],
		['$$NAME', '$NAME'],
		['$${NAME}', '${NAME}'],
		['cost: $$5', 'cost: $5'],
		['${MISSING:-fallback}', 'fallback'],
		['${EMPTY:-fallback}', 'fallback'],
		['${NAME:-fallback}', 'web'],
		['${MISSING-fallback}', 'fallback'],
		['${EMPTY-fallback}', ''],
		['${NAME:+alternative}', 'alternative'],
		['${EMPTY:+alternative}', ''],
		['${MISSING:+alternative}', ''],
		['${EMPTY+alternative}', 'alternative'],
		['${MISSING+alternative}', ''],
		['${MISSING:-${TAG}}', 'v2'],
		['${MISSING:-${ALSO_MISSING:-deep}}', 'deep'],
		['${MISSING:-a-${NAME}-b}', 'a-web-b'],
		['${MISSING:-$$literal}', '$literal'],
		['${NAME:?never shown}', 'web'],
		['${EMPTY?set but empty is fine}', ''],
		['${MISSING:-{braces}}', '{braces}'],
	])('%s → %s', (text, expected) => {
		expect(value(text)).toEqual({value: expected, errors: [], unset: []});
	});

	it('an unset plain variable becomes empty and is reported', () => {
		expect(value('web:${MISSING}')).toEqual({value: 'web:', errors: [], unset: ['MISSING']});
		expect(value('$MISSING-x')).toEqual({value: '-x', errors: [], unset: ['MISSING']});
	});

	it('${VAR:?message} fails when unset or empty, ${VAR?message} only when unset', () => {
		expect(value('${MISSING:?set the tag}').errors).toEqual(['MISSING is not set (set the tag); set it in the environment or in .env']);
		expect(value('${EMPTY:?set the tag}').errors).toEqual(['EMPTY is empty (set the tag); set it in the environment or in .env']);
		expect(value('${MISSING?}').errors).toEqual(['MISSING is not set; set it in the environment or in .env']);
		expect(value('${MISSING:?tag for ${NAME}}').errors).toEqual(['MISSING is not set (tag for web); set it in the environment or in .env']);
	});

	it('an unused branch is never expanded, so its errors do not count', () => {
		expect(value('${NAME:-${MISSING:?unused}}')).toEqual({value: 'web', errors: [], unset: []});
		expect(value('${MISSING:+${OTHER:?unused}}')).toEqual({value: '', errors: [], unset: []});
	});

	it.each([
		['price: $5', 'a "$" must start a variable ($NAME or ${NAME}); write $$ for a literal $'],
		['trailing $', 'a "$" must start a variable ($NAME or ${NAME}); write $$ for a literal $'],
		['${NAME', '"${NAME" has no closing }'],
		['${}', '"${}" is not a valid reference: use ${NAME}, ${NAME:-default}, ${NAME:?message} or ${NAME:+alternative}'],
		['${NAME:x}', '"${NAME:x}" is not a valid reference: use ${NAME}, ${NAME:-default}, ${NAME:?message} or ${NAME:+alternative}'],
		['${1ABC}', '"${1ABC}" is not a valid reference: use ${NAME}, ${NAME:-default}, ${NAME:?message} or ${NAME:+alternative}'],
	])('%s is an error', (text, error) => {
		expect(value(text).errors).toEqual([error]);
	});

	it('defaults nested thousands deep are refused in words, not with a stack overflow (issue 17)', () => {
		const nested = (levels: number) => `${'${MISSING:-'.repeat(levels)}x${'}'.repeat(levels)}`;
		expect(value(nested(30))).toEqual({value: 'x', errors: [], unset: []});
		for (const levels of [40, 2000, 20000]) {
			expect(value(nested(levels)).errors).toEqual(['references nest more than 32 levels deep (${A:-${B:-…}}); a few levels are enough']);
			expect(interpolate(nested(levels), lookup, {lenient: true}).errors).toHaveLength(1);
		}
	});

	it('lenient mode (.env files) keeps a stray $ as it is', () => {
		expect(interpolate('pa$1word ${NAME} ${open', lookup, {lenient: true})).toEqual({value: 'pa$1word web ${open', errors: [], unset: []});
	});
});

describe('interpolating a whole model', () => {
	it('interpolates values, not keys, and reports each unset variable once, where it is first used', () => {
		const result = interpolateModel({services: {$NAME: {image: 'x:${TAG}', command: ['$MISSING', '$MISSING'], labels: {a: '${MISSING}'}}}}, lookup);
		expect(result.data).toEqual({services: {$NAME: {image: 'x:v2', command: ['', ''], labels: {a: ''}}}});
		expect(result.unset).toEqual([{name: 'MISSING', path: ['services', '$NAME', 'command', 0]}]);
		expect(result.problems).toEqual([]);
	});

	it('reports errors at the path of the value', () => {
		const result = interpolateModel({services: {web: {image: '${IMAGE:?which image}'}}}, lookup);
		expect(result.problems).toEqual([{path: ['services', 'web', 'image'], message: 'IMAGE is not set (which image); set it in the environment or in .env'}]);
	});

	it('leaves numbers, booleans and nulls alone', () => {
		expect(interpolateModel({a: [1, true, null, 2.5]}, lookup).data).toEqual({a: [1, true, null, 2.5]});
	});
});
