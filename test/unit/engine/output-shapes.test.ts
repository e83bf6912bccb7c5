import {expect, it} from 'vitest';
import {stepOutputs} from '../../../source/engine/outputs.js';
import {outputShapes, shapeIssue} from '../../../source/engine/output-shapes.js';
import {UserError} from '../../../source/errors.js';

const target = {kind: 'server', host: '203.0.113.7', port: 22, user: 'alpine', privateKeyPath: '/k', identity: 'server', publicAddress: '203.0.113.7', hostKey: 'more is fine'};

it('names the first field that is not what the step records, nested ones by their path', () => {
	expect(shapeIssue(target, outputShapes['target']!)).toBeUndefined();
	expect(shapeIssue({}, outputShapes['target']!)).toEqual({path: ['kind'], expected: 'one of "aws", "server"'});
	expect(shapeIssue({...target, port: '22'}, outputShapes['target']!)).toEqual({path: ['port'], expected: 'a number'});
	expect(shapeIssue([], outputShapes['target']!)).toEqual({path: [], expected: 'an object'});
	expect(shapeIssue({release: {at: 'now', services: []}}, outputShapes['deploy']!)).toEqual({path: ['release', 'services'], expected: 'an object'});
	expect(shapeIssue({compose: 'v2', composeCommand: ['podman', 7]}, outputShapes['bootstrap']!)).toEqual({path: ['composeCommand'], expected: 'a list of strings'});
});

it('refuses outputs of the wrong shape as a damaged journal; steps without a shape, and missing outputs, pass', () => {
	expect(() => stepOutputs({steps: {target: {status: 'done', outputs: {}}}}, 'target' as never)).toThrow(UserError);
	expect(() => stepOutputs({steps: {target: {status: 'done', outputs: {}}}}, 'target' as never)).toThrow(/steps\.target\.outputs\.kind is not what the step records/);
	expect(stepOutputs({steps: {target: {status: 'done', outputs: target}}}, 'target' as never)).toEqual(target);
	expect(stepOutputs({steps: {alpha: {status: 'done', outputs: {}}}}, 'alpha' as never)).toEqual({});
	expect(stepOutputs({steps: {}}, 'target' as never)).toBeUndefined();
});
