import net from 'node:net';
import { StackError } from './errors.ts';

export class PortInUseError extends StackError {
	readonly port: number;
	constructor(port: number, what: string, setting: string) {
		super(
			`Port ${port} (${what}) is already in use. Another \`npm run dev\` may be running ` +
				`(\`npm run db:status\` tells), or another program has it. Stop it, or set ${setting} to a free port.`
		);
		this.name = 'PortInUseError';
		this.port = port;
	}
}

/** Fails with a clear message when `port` is taken; 0 picks a free port and returns it. */
export async function claimPort(port: number, what: string, setting: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => {
			reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, what, setting) : error);
		});
		server.listen(port, '127.0.0.1', () => {
			const { port: bound } = server.address() as net.AddressInfo;
			server.close(() => resolve(bound));
		});
	});
}

/** A port nothing listens on right now (for a server about to be started). */
export function freePort(): Promise<number> {
	return claimPort(0, 'a free port', 'another port');
}
