import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {DeleteKeyPairCommand, DescribeKeyPairsCommand, ImportKeyPairCommand, type ImportKeyPairCommandInput, type KeyPairInfo} from '@aws-sdk/client-ec2';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {generateEd25519} from '../../../source/remote/openssh-key.js';
import {keyPair} from '../../../steps/key-pair.js';
import {awsError, type Harness, harnessPerTest} from '../../helpers/step-context.js';

const setup = harnessPerTest();

const stackTags = [{Key: 'hoist:stack', Value: 'demo'}, {Key: 'Name', Value: 'hoist-demo'}];
const otherKey = generateEd25519('someone@laptop').publicKey;

/** "ssh-ed25519 AAAA…" of the key in .hoist/, as AWS lists it after an import (with a comment of its own). */
function localPublicKey(h: Harness): string {
	const [type, key] = readFileSync(h.files.publicKey, 'utf8').split(' ');
	return `${type} ${key} hoist-demo`;
}

/**
 * EC2's key pairs by name. ImportKeyPair refuses a name that exists; DescribeKeyPairs misses a key for
 * `lagAfterImport` calls after its import (eventual consistency).
 */
function keyPairs(h: Harness, initial: KeyPairInfo[] = [], options: {lagAfterImport?: number} = {}) {
	const store = new Map(initial.map((info) => [info.KeyName!, info]));
	let lag = 0;
	h.ec2.on(DescribeKeyPairsCommand).callsFake((input: {KeyNames?: string[]}) => {
		const name = input.KeyNames?.[0] ?? '';
		const found = store.get(name);
		if (!found || lag-- > 0) throw awsError('InvalidKeyPair.NotFound', 400, `The key pair '${name}' does not exist`);
		return {KeyPairs: [found]};
	});
	h.ec2.on(ImportKeyPairCommand).callsFake((input: ImportKeyPairCommandInput) => {
		const name = input.KeyName!;
		if (store.has(name)) throw awsError('InvalidKeyPair.Duplicate', 400, `The keypair already exists`);
		const material = new TextDecoder().decode(input.PublicKeyMaterial);
		store.set(name, {KeyName: name, KeyPairId: 'key-0new', KeyType: 'ed25519', PublicKey: `${material} ${name}`, Tags: input.TagSpecifications?.[0]?.Tags ?? []});
		lag = options.lagAfterImport ?? 0;
		return {KeyName: name, KeyPairId: 'key-0new'};
	});
	h.ec2.on(DeleteKeyPairCommand).callsFake((input: {KeyName?: string}) => {
		store.delete(input.KeyName ?? '');
		return {};
	});
	return store;
}

describe('key-pair run', () => {
	it('generates an ed25519 key in .hoist/ with mode 0600 and imports its public half with the stack tags', async () => {
		const h = setup();
		keyPairs(h, [], {lagAfterImport: 1});

		const result = await keyPair.run(h.context(keyPair));

		expect(result).toEqual({keyName: 'hoist-demo', keyPairId: 'key-0new', privateKeyPath: h.files.privateKey, generated: true});
		expect(h.files.privateKey).toBe(join(h.files.dir, '.hoist', 'id_ed25519'));
		expect(statSync(h.files.privateKey).mode & 0o777).toBe(0o600);
		expect(readFileSync(h.files.privateKey, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);

		const imports = h.ec2.commandCalls(ImportKeyPairCommand);
		expect(imports).toHaveLength(1);
		const input = imports[0]!.args[0].input;
		const material = new TextDecoder().decode(input.PublicKeyMaterial);
		expect(material).toMatch(/^ssh-ed25519 AAAA[\w+/=]+$/);
		expect(material).not.toContain('PRIVATE');
		expect(readFileSync(h.files.publicKey, 'utf8')).toContain(material);
		expect(input.TagSpecifications).toEqual([{ResourceType: 'key-pair', Tags: stackTags}]);
		expect(h.resources.get('key-pair:hoist-demo')).toMatchObject({ownedByHoist: true, region: 'us-east-1'});
	});

	it('keeps the key it generated on a re-run and imports nothing when AWS already has it', async () => {
		const h = setup();
		const store = keyPairs(h);
		await keyPair.run(h.context(keyPair));
		const privateKey = readFileSync(h.files.privateKey, 'utf8');

		await expect(keyPair.check(h.context(keyPair))).resolves.toMatchObject({keyName: 'hoist-demo', generated: true});
		await keyPair.run(h.context(keyPair));

		expect(readFileSync(h.files.privateKey, 'utf8')).toBe(privateKey);
		expect(h.ec2.commandCalls(ImportKeyPairCommand)).toHaveLength(1);
		expect(store.size).toBe(1);
	});

	it('refuses a same-named key pair not tagged for the stack: KEY_PAIR_TAKEN', async () => {
		const h = setup();
		keyPairs(h, [{KeyName: 'hoist-demo', KeyPairId: 'key-0theirs', PublicKey: otherKey, Tags: []}]);

		const error = await keyPair.run(h.context(keyPair)).catch((thrown: unknown) => thrown);

		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'KEY_PAIR_TAKEN'});
		expect(h.ec2.commandCalls(DeleteKeyPairCommand)).toHaveLength(0);
		expect(h.ec2.commandCalls(ImportKeyPairCommand)).toHaveLength(0);
	});

	it('replaces a key pair tagged for the stack that holds a key this machine no longer has', async () => {
		const h = setup();
		const store = keyPairs(h, [{KeyName: 'hoist-demo', KeyPairId: 'key-0old', PublicKey: otherKey, Tags: stackTags}]);

		const result = await keyPair.run(h.context(keyPair));

		const order = h.ec2.calls().map((call) => (call.args[0] as object).constructor.name).filter((name) => name !== 'DescribeKeyPairsCommand');
		expect(order).toEqual(['DeleteKeyPairCommand', 'ImportKeyPairCommand']);
		expect(result.keyPairId).toBe('key-0new');
		expect(store.get('hoist-demo')?.PublicKey).toBe(localPublicKey(h));
	});

	it('counts InvalidKeyPair.Duplicate on import as success when the key there is this one (a crash after the import)', async () => {
		const h = setup();
		// The earlier run's import went through, but AWS did not list it yet when this run looked.
		let describes = 0;
		h.ec2.on(DescribeKeyPairsCommand).callsFake(() => {
			if (describes++ === 0) throw awsError('InvalidKeyPair.NotFound');
			return {KeyPairs: [{KeyName: 'hoist-demo', KeyPairId: 'key-0earlier', PublicKey: localPublicKey(h), Tags: stackTags}]};
		});
		h.ec2.on(ImportKeyPairCommand).rejects(awsError('InvalidKeyPair.Duplicate', 400, "The keypair 'hoist-demo' already exists."));

		const result = await keyPair.run(h.context(keyPair));

		expect(result).toMatchObject({keyName: 'hoist-demo', keyPairId: 'key-0earlier'});
		expect(h.ec2.commandCalls(ImportKeyPairCommand)).toHaveLength(1);
		expect(h.resources.has('key-pair:hoist-demo')).toBe(true);
	});

	it('does not take a Duplicate answer for success when the key AWS holds under the name is another one', async () => {
		const h = setup();
		let describes = 0;
		h.ec2.on(DescribeKeyPairsCommand).callsFake(() => {
			if (describes++ === 0) throw awsError('InvalidKeyPair.NotFound');
			return {KeyPairs: [{KeyName: 'hoist-demo', KeyPairId: 'key-0race', PublicKey: otherKey, Tags: stackTags}]};
		});
		h.ec2.on(ImportKeyPairCommand).rejects(awsError('InvalidKeyPair.Duplicate', 400, "The keypair 'hoist-demo' already exists."));

		await expect(keyPair.run(h.context(keyPair))).rejects.toMatchObject({code: 'KEY_PAIR_CONFLICT'});
		expect(h.resources.has('key-pair:hoist-demo')).toBe(false);
	});
});

describe('key-pair undo', () => {
	function writeGeneratedKey(h: Harness): void {
		writeFileSync(h.files.privateKey, 'private', {mode: 0o600});
		writeFileSync(h.files.publicKey, 'ssh-ed25519 AAAA hoist@demo\n');
	}

	it('deletes a key pair tagged for the stack and the key files hoist generated', async () => {
		const h = setup();
		const store = keyPairs(h, [{KeyName: 'hoist-demo', KeyPairId: 'key-0new', PublicKey: otherKey, Tags: stackTags}]);
		writeGeneratedKey(h);
		h.resources.set('key-pair:hoist-demo', {type: 'key-pair', id: 'hoist-demo', ownedByHoist: true});

		await keyPair.undo!(h.undoContext(keyPair));

		expect(h.ec2.commandCalls(DeleteKeyPairCommand).map((call) => call.args[0].input)).toEqual([{KeyName: 'hoist-demo'}]);
		expect(store.size).toBe(0);
		expect(existsSync(h.files.privateKey)).toBe(false);
		expect(existsSync(h.files.publicKey)).toBe(false);
		expect(h.resources.size).toBe(0);
	});

	it('leaves a same-named key pair alone when it is not tagged for the stack', async () => {
		const h = setup();
		keyPairs(h, [{KeyName: 'hoist-demo', KeyPairId: 'key-0theirs', PublicKey: otherKey, Tags: [{Key: 'team', Value: 'ops'}]}]);

		await keyPair.undo!(h.undoContext(keyPair));

		expect(h.ec2.commandCalls(DeleteKeyPairCommand)).toHaveLength(0);
		expect(h.logs.join('\n')).toContain('left key pair hoist-demo alone');
	});

	it('never deletes the user\'s own key files named by ssh.publicKey', async () => {
		const h = setup({ssh: {publicKey: 'keys/me.pub'}});
		const pair = generateEd25519('me@laptop');
		mkdirSync(join(h.files.dir, 'keys'));
		writeFileSync(join(h.files.dir, 'keys', 'me'), pair.privateKey, {mode: 0o600});
		writeFileSync(join(h.files.dir, 'keys', 'me.pub'), `${pair.publicKey}\n`);
		keyPairs(h, [{KeyName: 'hoist-demo', KeyPairId: 'key-0new', PublicKey: pair.publicKey, Tags: stackTags}]);

		const result = await keyPair.run(h.context(keyPair));
		expect(result).toMatchObject({privateKeyPath: join(h.files.dir, 'keys', 'me'), generated: false});
		expect(existsSync(h.files.privateKey)).toBe(false);

		await keyPair.undo!(h.undoContext(keyPair, {previous: result}));

		expect(h.ec2.commandCalls(DeleteKeyPairCommand)).toHaveLength(1);
		expect(readFileSync(join(h.files.dir, 'keys', 'me'), 'utf8')).toBe(pair.privateKey);
		expect(existsSync(join(h.files.dir, 'keys', 'me.pub'))).toBe(true);
	});
});
