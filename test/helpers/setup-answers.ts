import {copyFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {SetupAnswers} from '../../source/setup/answers.js';

/** The guided setup's answers for a typical first stack on AWS; each test changes what it is about. */
export function shopApiAnswers(overrides: Partial<SetupAnswers> = {}): SetupAnswers {
	return {
		stack: 'shop-api',
		composeFile: 'docker-compose.yml',
		service: 'web',
		port: 8080,
		domain: 'api.example.com',
		email: 'me@example.com',
		staging: true,
		target: {kind: 'aws', profile: 'work', region: 'eu-west-1', instanceType: 't3.micro', sshCidr: '203.0.113.7/32'},
		registry: {server: 'ghcr.io', username: 'octocat'},
		...overrides,
	};
}

/** A temporary folder holding the fixture app's compose file, as the folder `hoist init` runs in. */
export function folderWithFixtureCompose(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	copyFileSync(join(import.meta.dirname, '../fixtures/app/docker-compose.yml'), join(dir, 'docker-compose.yml'));
	return dir;
}
