import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseInventory} from '../../../source/backup/inventory.js';
import {listLines} from '../../../source/backup/list.js';
import {backupName, findBackup, ignoreInGit, localBackups, makeBackupDir, pruneBackups} from '../../../source/backup/local.js';
import {manifestJson, readManifest, verifyBackup, type Manifest} from '../../../source/backup/manifest.js';
import {backupInventory, execLabelled, importVolume} from '../../../source/server/commands/backup.js';

const temp = () => mkdtempSync(join(tmpdir(), 'hoist-backup-'));

function backupWith(dir: string, files: Record<string, string>): Manifest {
	const manifest: Manifest = {
		format: 1,
		hoist: '0.1.0',
		stack: 'shop',
		createdAt: '2026-12-07T10:15:00.000Z',
		release: 3,
		items: Object.entries(files).map(([file, content]) => ({file, method: 'tar' as const, volume: file.replace('.tar', ''), bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex')})),
	};
	for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
	writeFileSync(join(dir, 'manifest.json'), manifestJson(manifest));
	return manifest;
}

describe('the manifest and the check before a restore', () => {
	it('a whole backup passes; a changed byte, a missing file, a folder without its manifest are refused (exit 2)', async () => {
		const dir = temp();
		const manifest = backupWith(dir, {'appdata.tar': 'data', 'uploads.tar': 'more data'});
		expect(readManifest(dir)).toEqual(manifest);
		await expect(verifyBackup(dir, manifest)).resolves.toBeUndefined();
		writeFileSync(join(dir, 'appdata.tar'), 'dat4');
		const refused = await verifyBackup(dir, manifest).catch((error: unknown) => error as {exitCode: number; message: string});
		expect(refused).toMatchObject({exitCode: 2, code: 'BACKUP_CORRUPT'});
		expect(refused?.message).toContain('appdata.tar does not match its SHA-256');
		expect(() => readManifest(temp())).toThrow(/not a complete backup: it has no manifest.json/);
		expect(() => readManifest(temp())).toThrow(expect.objectContaining({nextSteps: [expect.objectContaining({command: 'hoist backup --list'})]}));
	});
});

describe('local backups', () => {
	it('folders named by UTC time sort by age; --keep removes the oldest complete ones and leaves incomplete ones', () => {
		const root = temp();
		expect(backupName(new Date('2026-12-07T10:15:00.123Z'))).toBe('20261207T101500Z');
		const at = new Date('2026-12-07T10:15:00Z');
		const first = makeBackupDir(root, at);
		expect(makeBackupDir(root, at)).toBe(`${first}-2`);
		backupWith(first, {'a.tar': 'a'});
		backupWith(`${first}-2`, {'a.tar': 'b'});
		mkdirSync(join(root, '20261208T000000Z'));
		const third = join(root, '20261209T000000Z');
		mkdirSync(third);
		backupWith(third, {'a.tar': 'c'});
		expect(localBackups(root).map((backup) => [backup.name, backup.complete])).toEqual([
			['20261207T101500Z', true],
			['20261207T101500Z-2', true],
			['20261208T000000Z', false],
			['20261209T000000Z', true],
		]);
		expect(pruneBackups(root, 2)).toEqual(['20261207T101500Z']);
		expect(findBackup('latest', root, '/')).toBe(third);
		expect(findBackup('20261207T101500Z-2', root, '/')).toBe(`${first}-2`);
		expect(() => findBackup('nope', root, '/')).toThrow(/There is no backup "nope"/);
		// The way on is a command a script can read: the list of backups.
		expect(() => findBackup('nope', root, '/')).toThrow(expect.objectContaining({nextSteps: [expect.objectContaining({command: 'hoist backup --list'})]}));
	});

	it('--list: newest first, with size, release, hoist version and items; an incomplete folder is said to be one', () => {
		const root = temp();
		mkdirSync(join(root, '20261207T101500Z'));
		backupWith(join(root, '20261207T101500Z'), {'appdata.tar': 'data'});
		mkdirSync(join(root, '20261208T000000Z'));
		const lines = listLines(root, root);
		expect(lines[0]).toContain('hoist restore NAME');
		expect(lines[1]).toMatch(/^BACKUP +SIZE +RELEASE +BY +ITEMS$/);
		expect(lines[2]).toMatch(/^20261208T000000Z +0 B +- +- +incomplete \(no manifest.json: not restorable\)$/);
		expect(lines[3]).toMatch(/^20261207T101500Z +\d+ B +3 +hoist 0.1.0 +appdata$/);
		expect(listLines(temp(), '/')[0]).toContain('No backups in');
	});

	it('adds backups/ to an existing .gitignore once; in a git work tree without one, writes one; outside git, nothing', () => {
		const withIgnore = temp();
		writeFileSync(join(withIgnore, '.gitignore'), 'node_modules');
		expect(ignoreInGit(withIgnore)).toContain('Added backups/');
		expect(ignoreInGit(withIgnore)).toBeUndefined();
		expect(readFileSync(join(withIgnore, '.gitignore'), 'utf8')).toBe('node_modules\nbackups/\n');
		const repo = temp();
		mkdirSync(join(repo, '.git'));
		mkdirSync(join(repo, 'deploy'));
		expect(ignoreInGit(join(repo, 'deploy'))).toContain('Wrote');
		expect(readFileSync(join(repo, 'deploy', '.gitignore'), 'utf8')).toBe('backups/\n');
		expect(ignoreInGit(temp())).toBeUndefined();
	});
});

/** Runs a builder's line in a POSIX shell with a stand-in `podman` (a shell function given as text). */
function inShell(fakePodman: string, line: string, input?: string): string {
	return execFileSync('sh', ['-c', `${fakePodman}\n${line}`], {encoding: 'utf8', ...(input === undefined ? {} : {input})});
}

describe('the remote commands, run in sh', () => {
	it('the inventory: volumes, their sizes from du, and the containers, read back by parseInventory', () => {
		const root = temp();
		mkdirSync(join(root, 'v1'));
		writeFileSync(join(root, 'v1', 'f'), 'x'.repeat(5000));
		const fake = `podman() { case "$1 $2" in
			"volume ls") if [ "$3" = --quiet ]; then echo shop_appdata; else echo '[{"Name":"shop_appdata","Labels":{"com.docker.compose.volume":"appdata"}}]'; fi ;;
			"volume inspect") echo ${root}/v1 ;;
			"ps --all") echo c1 ;;
			"inspect c1") echo '[{"Id":"c1","State":{"Status":"running","Running":true,"Health":{"Status":"healthy"}},"Config":{"Labels":{"com.docker.compose.service":"db","hoist.backup":"pg_dump -U app"}},"Mounts":[{"Type":"volume","Name":"shop_appdata"},{"Type":"bind","Source":"/x"}]}]' ;;
		esac; }`;
		const inventory = parseInventory(inShell(fake, backupInventory('shop').line));
		expect(inventory.volumes).toEqual([{name: 'shop_appdata', key: 'appdata', bytes: expect.any(Number) as number}]);
		// du's KiB, as bytes: at least what the file holds.
		expect(inventory.volumes[0]!.bytes % 1024).toBe(0);
		expect(inventory.volumes[0]!.bytes).toBeGreaterThanOrEqual(5000);
		expect(inventory.containers).toEqual([{id: 'c1', service: 'db', running: true, health: 'healthy', oneOff: false, labels: {'com.docker.compose.service': 'db', 'hoist.backup': 'pg_dump -U app'}, volumes: ['shop_appdata']}]);
	});

	it('a restored volume is emptied first (dot files too), then podman reads the tar on stdin', () => {
		const mountpoint = temp();
		writeFileSync(join(mountpoint, 'stale'), 'old');
		writeFileSync(join(mountpoint, '.hidden'), 'old');
		const fake = `podman() { case "$1 $2" in "volume inspect") echo ${mountpoint} ;; "volume import") ls -A ${mountpoint}; echo "import $3 $4: $(cat)" ;; esac; }`;
		expect(inShell(fake, importVolume('shop_appdata').line, 'TAR')).toBe('import shop_appdata -: TAR\n');
	});

	it('a label\'s command reaches sh -c in the container as one word, whatever it holds', () => {
		const fake = 'podman() { printf "%s|" "$@"; echo; }';
		expect(inShell(fake, execLabelled('c1', 'db', 'pg_dump -U "app" $DB > /dev/stdout', 'dump').line)).toBe('exec|c1|sh|-c|pg_dump -U "app" $DB > /dev/stdout|\n');
		expect(inShell(fake, execLabelled('c1', 'db', 'psql', 'restore').line)).toBe('exec|--interactive|c1|sh|-c|psql|\n');
	});
});
