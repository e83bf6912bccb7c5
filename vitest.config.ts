import {defineConfig} from 'vitest/config';

// Ink reads `is-in-ci` at import time; inside test workers we force "not CI" so screen tests see every frame.
// Every AWS client a test creates by accident points at a closed loopback port, never at real AWS.
const safeEnv = {
	CI: 'false',
	AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
	AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
	AWS_EC2_METADATA_DISABLED: 'true',
};

// The tests in groups by what they need, one project each (`npm run test:<group>`; `npm test` runs them all):
// unit needs Node and three common tools (sh, openssl, ssh-keygen; its global setup checks), cli the build (dist/),
// scripts the tools install-packages.sh installs (shellcheck, busybox, caddy; no root once they are there), e2e the
// sandbox (root).
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['test/unit/**/*.test.{ts,tsx}', 'test/screens/**/*.test.{ts,tsx}'],
					env: safeEnv,
					globalSetup: ['test/unit/global-setup.ts'],
				},
			},
			{
				test: {
					name: 'cli',
					include: ['test/cli/**/*.test.{ts,tsx}'],
					env: safeEnv,
				},
			},
			{
				test: {
					name: 'scripts',
					include: ['test/scripts/**/*.test.{ts,tsx}'],
					env: safeEnv,
					globalSetup: ['test/scripts/global-setup.ts'],
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.{ts,tsx}', 'test/sandbox/**/*.test.{ts,tsx}'],
					// hoist as bin ships it: the bundle reaches its first event in about 0.5 s where tsc's file tree (what
					// unit and cli tests run) needs 1.2 s, and the e2e files start hoist a few hundred times.
					env: {...safeEnv, HOIST_TEST_CLI: process.env['HOIST_TEST_CLI'] ?? 'dist/bundle/hoist.js'},
					globalSetup: ['test/sandbox/global-setup.ts'],
					setupFiles: ['test/sandbox/settle-instance.ts'],
					// One sandbox host (10.77.0.2) and one emulator: files run one after another.
					fileParallelism: false,
					testTimeout: 120_000,
					hookTimeout: 180_000,
				},
			},
		],
	},
});
