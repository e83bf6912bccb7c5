import type {CommandSpec} from '../cli/command.js';
import {destroy} from './destroy.js';
import {dns} from './dns.js';
import {status} from './status.js';
import {up} from './up.js';

/** Every command, in the order `hoist --help` lists them. A new command is one file here and one line below. */
export const commandTable: readonly CommandSpec[] = [up, dns, status, destroy];
