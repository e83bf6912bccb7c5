import type {CommandSpec} from '../cli/command.js';
import {backup} from './backup.js';
import {deploy} from './deploy.js';
import {destroy} from './destroy.js';
import {dns} from './dns.js';
import {exec} from './exec.js';
import {init} from './init.js';
import {logs} from './logs.js';
import {restore} from './restore.js';
import {rehearse} from './rehearse.js';
import {rollback} from './rollback.js';
import {ssh} from './ssh.js';
import {status} from './status.js';
import {up} from './up.js';
import {upgrade} from './upgrade.js';

/** Every command, in the order `hoist --help` lists them. A new command is one file here and one line below. */
export const commandTable: readonly CommandSpec[] = [init, up, deploy, rollback, dns, status, logs, exec, ssh, backup, restore, upgrade, destroy, rehearse];
