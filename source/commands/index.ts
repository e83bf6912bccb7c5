import type {CommandSpec} from '../cli/command.js';
import {deploy} from './deploy.js';
import {destroy} from './destroy.js';
import {rollback} from './rollback.js';
import {status} from './status.js';
import {up} from './up.js';

/** Every command, in the order `hoist --help` lists them. A new command is one file here and one line below. */
export const commandTable: readonly CommandSpec[] = [up, deploy, rollback, status, destroy];
