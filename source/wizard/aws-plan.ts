import type {Plan} from '../engine/step.js';
import {ami} from '../../steps/ami.js';
import {elasticIp} from '../../steps/elastic-ip.js';
import {keyPair} from '../../steps/key-pair.js';
import {launchInstance} from '../../steps/launch-instance.js';
import {preflight} from '../../steps/preflight.js';
import {securityGroup} from '../../steps/security-group.js';
import {awsTarget} from '../../steps/target.js';

/** A new EC2 instance, in order, up to the address hoist reaches it at. Imported only for stacks with aws:. */
export const awsSteps: Plan = [preflight, ami, keyPair, securityGroup, launchInstance, elasticIp, awsTarget];
