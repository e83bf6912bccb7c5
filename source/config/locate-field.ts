import {readFileSync} from 'node:fs';
import {basename} from 'node:path';
import {nodeFor} from '../compose/locate.js';
import {readConfigYaml} from './read-config-yaml.js';

/**
 * Where a field of hoist.yml is written, as `hoist.yml:LINE:COL`: for a problem found after loading (a token variable
 * that is not set for the registry at that line). Undefined when the file or the field is not there (any more).
 */
export function locateConfigField(configPath: string, field: Array<string | number>): string | undefined {
	let text: string;
	try {
		text = readFileSync(configPath, 'utf8');
	} catch {
		return undefined;
	}
	const yaml = readConfigYaml(text);
	if (!yaml.ok) return undefined;
	const offset = (nodeFor(yaml.doc, field).value as {range?: [number, number, number]} | null | undefined)?.range?.[0];
	if (offset === undefined) return undefined;
	const {line, col} = yaml.at(offset);
	return `${basename(configPath)}:${line}:${col}`;
}
