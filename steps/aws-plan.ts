import type {Plan} from '../source/engine/step.js';
import {ami} from './ami.js';
import {elasticIp} from './elastic-ip.js';
import {keyPair} from './key-pair.js';
import {launchInstance} from './launch-instance.js';
import {preflight} from './preflight.js';
import {securityGroup} from './security-group.js';
import {awsTarget} from './target.js';

/** A new EC2 instance, in order, up to the address hoist reaches it at. Imported only for stacks with aws:. */
export const awsSteps: Plan = [preflight, ami, keyPair, securityGroup, launchInstance, elasticIp, awsTarget];
