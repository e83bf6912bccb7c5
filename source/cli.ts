#!/usr/bin/env node
/**
 * The entry point. It stays small and imports nothing heavy: each command module (and with it Ink, React,
 * the AWS SDK or ssh2) is loaded only when that command runs, so `hoist --version` starts fast.
 */
import {main} from './main.js';

process.exitCode = await main(process.argv.slice(2));
