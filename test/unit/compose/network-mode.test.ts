import {describe, expect, it} from 'vitest';
import {load, problems, webWith} from './project-dir.js';

// Rule 7: Caddy joins the stack's networks; services that leave them, or share the host's, break that.
const withWorker = (mode: string) => `${webWith()}  worker:\n    image: ghcr.io/acme/worker:1\n    network_mode: "${mode}"\n`;

describe('network_mode', () => {
	it('host on any service', () => {
		expect(problems(withWorker('host'))).toEqual([
			"docker-compose.yml:7:19: services.worker.network_mode: worker uses network_mode: host, so it shares the server's network with hoist's Caddy: it could take ports 80 and 443, and Caddy cannot reach it by name; remove network_mode",
		]);
	});

	it('service: and container: modes', () => {
		expect(problems(withWorker('service:web'))).toEqual([
			"docker-compose.yml:7:19: services.worker.network_mode: worker borrows the network of service:web; hoist's Caddy joins the stack's networks and reaches services by name, which a borrowed network breaks; remove network_mode and let worker join the stack's network",
		]);
		expect(problems(withWorker('container:legacy'))).toHaveLength(1);
	});

	it('none or bridge on the web service: Caddy cannot reach it', () => {
		expect(problems(webWith('network_mode: none'))).toEqual([
			"docker-compose.yml:5:19: services.web.network_mode: web uses network_mode: none, so hoist's Caddy cannot reach it on the stack's network; remove network_mode",
		]);
	});

	it('none or bridge on another service is its own business', () => {
		const project = load(withWorker('none'));
		expect(project.services['worker']).toMatchObject({networkMode: 'none', networks: []});
		expect(load(withWorker('bridge')).services['worker']?.networkMode).toBe('bridge');
	});
});
