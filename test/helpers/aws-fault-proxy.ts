import {createServer, request, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

type Hold = {action: string; when: 'before' | 'after'; reached: () => void};

/**
 * A loopback HTTP proxy in front of the EC2 emulator that can swallow one call: `before` (AWS never sees it) or
 * `after` (AWS did the work, the answer never comes back). A test then kills hoist while it waits — the two
 * moments a crash can hit any API call.
 */
export class AwsFaultProxy {
	readonly actions: string[] = [];
	#holds: Hold[] = [];
	readonly #sockets = new Set<Socket>();

	private constructor(
		private readonly server: Server,
		readonly url: string,
		private readonly target: URL,
	) {}

	static async start(target: string): Promise<AwsFaultProxy> {
		let proxy: AwsFaultProxy | undefined;
		const server = createServer((req, res) => void proxy!.handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as AddressInfo;
		proxy = new AwsFaultProxy(server, `http://127.0.0.1:${port}`, new URL(target));
		server.on('connection', (socket) => {
			proxy!.#sockets.add(socket);
			socket.on('close', () => proxy!.#sockets.delete(socket));
		});
		return proxy;
	}

	/** Resolves once the next call of `action` is being held. */
	hold(action: string, when: 'before' | 'after'): Promise<void> {
		return new Promise((resolve) => this.#holds.push({action, when, reached: resolve}));
	}

	release(): void {
		this.#holds = [];
		for (const socket of this.#sockets) socket.destroy();
	}

	async close(): Promise<void> {
		this.release();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = await readBody(req);
		const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? req.headers['x-amz-target']?.toString() ?? '?';
		this.actions.push(action);
		const hold = this.#holds.find((candidate) => candidate.action === action);
		if (hold) this.#holds.splice(this.#holds.indexOf(hold), 1);
		if (hold?.when === 'before') return hold.reached();
		const answer = await this.forward(req, body);
		if (hold) return hold.reached(); // the emulator did the work; the caller never hears about it
		res.writeHead(answer.status, answer.headers);
		res.end(answer.body);
	}

	private forward(req: IncomingMessage, body: Buffer): Promise<{status: number; headers: Record<string, string | string[]>; body: Buffer}> {
		return new Promise((resolve, reject) => {
			const upstream = request(
				{host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers},
				(response) => {
					void readBody(response).then((data) => {
						const headers: Record<string, string | string[]> = {};
						for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) headers[key] = value;
						resolve({status: response.statusCode ?? 502, headers, body: data});
					}, reject);
				},
			);
			upstream.on('error', reject);
			upstream.end(body);
		});
	}
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
