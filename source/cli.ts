#!/usr/bin/env node
/**
 * The entry point. It stays small and imports nothing heavy: each command module (and with it Ink, React,
 * the AWS SDK or ssh2) is loaded only when that command runs, so `hoist --version` starts fast.
 */
import {main} from './main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// After Ctrl-C a step's last network attempt (an SSH connect to a silent host) may still be pending: the journal
// is already saved, so don't wait for it. The timer is unref'd: it only fires if something else holds the process.
setTimeout(() => process.exit(code), 500).unref();
