import {describe, expect, it} from 'vitest';
import type {Inventory, ServerContainer} from '../../../source/backup/inventory.js';
import {planBackup, planRestore} from '../../../source/backup/plan.js';
import type {ManifestItem} from '../../../source/backup/manifest.js';
import {adviceFor} from '../../../source/engine/advice.js';
import type {HoistError} from '../../../source/errors.js';

function container(service: string, volumes: string[], extra: Partial<ServerContainer> = {}): ServerContainer {
	return {id: `${service}-id`, service, running: true, health: undefined, oneOff: false, labels: {}, volumes, ...extra};
}

const inventory: Inventory = {
	volumes: [
		{name: 'shop_pgdata', key: 'pgdata', bytes: 5_000_000},
		{name: 'shop_uploads', key: 'uploads', bytes: 40_000_000},
		{name: 'shop_hoist_caddy_data', key: 'hoist_caddy_data', bytes: 30_000},
		{name: 'shop_hoist_caddy_config', key: 'hoist_caddy_config', bytes: 4_000},
	],
	containers: [
		container('db', ['shop_pgdata'], {labels: {'hoist.backup': 'pg_dump -U app -Fc app', 'hoist.restore': 'pg_restore -U app -d app --clean'}}),
		container('web', ['shop_uploads']),
		container('worker', ['shop_uploads']),
		container('migrate', ['shop_uploads'], {running: false}),
		container('web', ['shop_uploads'], {id: 'web-run', oneOff: true}),
		container('hoist-caddy', ['shop_hoist_caddy_data', 'shop_hoist_caddy_config']),
	],
};

describe('what a backup copies and stops', () => {
	it('a labelled service is dumped by its own command while it runs; its volume is not copied again', () => {
		const plan = planBackup(inventory);
		expect(plan.items[0]).toEqual({kind: 'dump', file: 'db.dump', service: 'db', containerId: 'db-id', command: 'pg_dump -U app -Fc app'});
		expect(plan.items.map((item) => item.file)).not.toContain('pgdata.tar');
		expect(plan.skipped).toContainEqual({key: 'pgdata', why: 'db\'s data, in its dump'});
	});

	it('an unlabelled volume is copied while the running services that mount it are stopped (not exited jobs, not one-off runs)', () => {
		const plan = planBackup(inventory);
		expect(plan.items).toContainEqual({kind: 'volume', file: 'uploads.tar', volume: 'shop_uploads', key: 'uploads', bytes: 40_000_000, live: false});
		expect(plan.stops).toEqual({ids: ['web-id', 'worker-id'], services: ['web', 'worker']});
	});

	it('Caddy\'s certificates are copied while Caddy serves; its autosaved configuration is left out', () => {
		const plan = planBackup(inventory);
		expect(plan.items).toContainEqual({kind: 'volume', file: 'hoist_caddy_data.tar', volume: 'shop_hoist_caddy_data', key: 'hoist_caddy_data', bytes: 30_000, live: true, service: 'hoist-caddy'});
		expect(plan.stops.services).not.toContain('hoist-caddy');
		expect(plan.skipped.map((skip) => skip.key)).toContain('hoist_caddy_config');
	});

	it('only labelled services and Caddy: nothing stops, so nothing needs asking', () => {
		const plan = planBackup({volumes: inventory.volumes.filter((volume) => volume.key !== 'uploads'), containers: [inventory.containers[0]!, inventory.containers[5]!]});
		expect(plan.stops.ids).toEqual([]);
	});

	it('a labelled service that is not running is refused: its command runs in its container', () => {
		expect(() => planBackup({volumes: [], containers: [container('db', [], {running: false, labels: {'hoist.backup': 'pg_dump'}})]})).toThrow(/db has a hoist.backup command.*not running/);
	});
});

describe('what a restore replaces and stops', () => {
	const items: ManifestItem[] = [
		{file: 'db.dump', method: 'dump', service: 'db', bytes: 10, sha256: 'a'.repeat(64)},
		{file: 'uploads.tar', method: 'tar', volume: 'uploads', bytes: 10, sha256: 'b'.repeat(64)},
		{file: 'hoist_caddy_data.tar', method: 'tar', volume: 'hoist_caddy_data', service: 'hoist-caddy', bytes: 10, sha256: 'c'.repeat(64)},
	];

	it('the dumped service keeps running (its restore command needs it); the services using its data stop, and those of each volume', () => {
		const plan = planRestore(items, inventory);
		expect(plan.items.map((item) => [item.kind, item.kind === 'dump' ? item.containerId : item.volume])).toEqual([
			['dump', 'db-id'],
			['volume', 'shop_uploads'],
			['volume', 'shop_hoist_caddy_data'],
		]);
		expect(plan.stops.services).toEqual(['hoist-caddy', 'web', 'worker']);
		expect(plan.stops.ids).not.toContain('db-id');
	});

	it('only a dump: Caddy keeps serving', () => {
		expect(planRestore([items[0]!], inventory).stops.services).toEqual(['web', 'worker']);
	});

	it('a place missing on the server is refused before anything stops: a dump without hoist.restore, a volume the stack lacks', () => {
		const withoutRestore = {...inventory, containers: inventory.containers.map((entry) => (entry.service === 'db' ? {...entry, labels: {'hoist.backup': 'pg_dump'}} : entry))};
		expect(() => planRestore(items, withoutRestore)).toThrow(/no hoist.restore label/);
		expect(() => planRestore([{...items[1]!, volume: 'media'}], inventory)).toThrow(/the volume media, which the stack on the server does not have/);
	});

	it('names the command that gets the stack ready as data: `hoist up` for a missing volume or a stopped service', () => {
		const thrown = (work: () => unknown) => {
			try {
				work();
			} catch (error) {
				return (error as HoistError).nextSteps;
			}
			throw new Error('nothing was refused');
		};
		expect(thrown(() => planRestore([{...items[1]!, volume: 'media'}], inventory))).toEqual([{text: 'Run `hoist up` first (it creates the stack\'s volumes), then restore again.', command: 'hoist up'}]);
		const stopped = {...inventory, containers: inventory.containers.map((entry) => (entry.service === 'db' ? {...entry, running: false} : entry))};
		expect(thrown(() => planRestore([items[0]!], stopped))).toEqual([expect.objectContaining({command: 'hoist up'})]);
	});
});

describe('backup.s3', () => {
	it('s3://bucket/prefix holds each stack under its name; a trailing slash or no prefix reads the same way', async () => {
		const {s3Place} = await import('../../../source/backup/s3.js');
		expect(s3Place('s3://acme-backups/nightly', 'shop')).toEqual({bucket: 'acme-backups', prefix: 'nightly/shop/'});
		expect(s3Place('s3://acme-backups/nightly/', 'shop')).toEqual({bucket: 'acme-backups', prefix: 'nightly/shop/'});
		expect(s3Place('s3://acme-backups', 'shop')).toEqual({bucket: 'acme-backups', prefix: 'shop/'});
	});

	it('a refused upload says once to run `hoist backup` again (its next step carries the command, so the run adds no second one)', async () => {
		const {uploadBackup} = await import('../../../source/backup/s3.js');
		const {mkdtempSync, rmSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const dir = mkdtempSync(join(tmpdir(), 'hoist-s3-'));
		writeFileSync(join(dir, 'manifest.json'), '{}');
		const refusing = {send: () => Promise.reject(Object.assign(new Error('Access Denied'), {name: 'AccessDenied'}))} as unknown as Parameters<typeof uploadBackup>[0];
		const error = await uploadBackup(refusing, {bucket: 'acme-backups', prefix: 'shop/'}, dir, () => {}, new AbortController().signal).then(
			() => {
				throw new Error('the upload went through');
			},
			(failure: unknown) => failure as HoistError,
		);
		rmSync(dir, {recursive: true});
		expect(error.code).toBe('S3_FAILED');
		const advice = adviceFor('backup', 'upload', error.nextSteps);
		expect(advice.filter((step) => step.text.includes('`hoist backup`'))).toHaveLength(1);
		expect(advice.at(-1)?.command).toBe('hoist backup');
	});
});

describe('backup.s3 in hoist.yml', () => {
	it('takes s3://bucket/prefix; anything else is refused at its line', async () => {
		const [{parseConfig}, {makeTempStack, minimalConfig}] = await Promise.all([import('../../../source/config/load.js'), import('../../helpers/temp-stack.js')]);
		const stack = makeTempStack();
		expect(parseConfig(`${minimalConfig()}\nbackup:\n  s3: s3://acme-backups/nightly\n`, 'hoist.yml', stack.dir).backup).toEqual({s3: 's3://acme-backups/nightly'});
		expect(() => parseConfig(`${minimalConfig()}\nbackup:\n  s3: https://acme-backups.s3.amazonaws.com/\n`, 'hoist.yml', stack.dir)).toThrow(/hoist.yml:\d+:\d+: backup.s3: expected an S3 location/);
		stack.cleanup();
	});
});
