import {expect, it} from 'vitest';
import {Redactor, redactEvent, weakSecret} from '../../../source/engine/redactor.js';

it('tells weak secrets (short, one word, digits) from distinctive ones', () => {
	expect(['status', 'up', 'alpine', 'passwordpassword', '123456789012'].map(weakSecret)).toEqual([true, true, true, true, true]);
	expect(weakSecret('ghp_0123456789abcdefXYZ')).toBe(false);
});

it('a token that is an ordinary word masks outside text only: event types, step ids and statuses stay', () => {
	const redactor = new Redactor();
	redactor.add('status');
	const log = redactEvent({type: 'step-log', at: 1, stepId: 'status', line: 'login status: ok'}, redactor);
	expect(log).toEqual({type: 'step-log', at: 1, stepId: 'status', line: 'login ***: ok'});
	// The journal's guard looks only for distinctive secrets: "status" is also a key name there.
	expect(redactor.leaks('{"status": "done"}')).toBe(false);
});

it('a distinctive token is still caught wherever it leaks', () => {
	const redactor = new Redactor();
	redactor.add('ghp_0123456789abcdefXYZ');
	expect(redactor.leaks('{"outputs": {"token": "ghp_0123456789abcdefXYZ"}}')).toBe(true);
	const failed = redactEvent({type: 'run-finished', at: 1, result: 'failed', error: {kind: 'external', code: 'X', message: 'bad ghp_0123456789abcdefXYZ', nextSteps: []}}, redactor);
	expect(JSON.stringify(failed)).not.toContain('ghp_0123456789abcdefXYZ');
});
