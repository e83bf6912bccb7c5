// Setup file of the `e2e` project, run before each test file. The sandbox wipes the host when the instance behind the
// Elastic IP goes away (as EC2 would), but its watcher looks only every 2 s: a wipe for the previous file's destroy
// could land inside the next file, on containers that file made on the host directly. Settling it here first makes
// the wipe happen now (or never); the watcher re-checks under the same lock, so it cannot wipe a second time.
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {beforeAll} from 'vitest';

beforeAll(() => {
	execFileSync(fileURLToPath(new URL('./instance-reset.sh', import.meta.url)), ['--if-changed'], {stdio: 'ignore', timeout: 120_000});
});
