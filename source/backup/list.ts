import {relative} from 'node:path';
import {localBackups} from './local.js';
import {readManifest} from './manifest.js';
import {formatBytes} from './transfer.js';

/** `hoist backup --list`: the local backups, newest first, each with its size, items and release; incomplete ones said so. */
export function listLines(root: string, cwd: string): string[] {
	const backups = localBackups(root).reverse();
	if (backups.length === 0) return [`No backups in ${relative(cwd, root) || root} yet: \`hoist backup\` takes one.`];
	const rows = backups.map((backup) => {
		if (!backup.complete) return [backup.name, formatBytes(backup.bytes), '-', '-', 'incomplete (no manifest.json: not restorable)'];
		try {
			const manifest = readManifest(backup.dir);
			const items = manifest.items.map((item) => item.volume ?? item.service ?? item.file).join(', ');
			return [backup.name, formatBytes(backup.bytes), manifest.release === null ? '-' : String(manifest.release), `hoist ${manifest.hoist}`, items];
		} catch (error) {
			return [backup.name, formatBytes(backup.bytes), '-', '-', (error as Error).message];
		}
	});
	const header = ['BACKUP', 'SIZE', 'RELEASE', 'BY', 'ITEMS'];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
	const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
	return [`Backups in ${relative(cwd, root) || root} (\`hoist restore NAME\` puts one back):`, line(header), ...rows.map(line)];
}

/** The backups in S3 (`backup.s3`), newest first. */
export function s3ListLines(where: string, backups: Array<{name: string; bytes: number; complete: boolean}>): string[] {
	if (backups.length === 0) return [`No backups in ${where} yet.`];
	return [`Backups in ${where}:`, ...[...backups].reverse().map((backup) => `${backup.name}  ${formatBytes(backup.bytes)}${backup.complete ? '' : '  incomplete (no manifest.json)'}`)];
}
