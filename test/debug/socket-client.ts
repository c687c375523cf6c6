// A tiny line client for the debug tests: connect to 127.0.0.1:port, read until a text shows up.
import { connect, createServer, type Socket } from 'node:net';

export interface Client {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once `test` holds for the text received after `from` bytes. */
  until(test: (data: Buffer) => boolean, what: string): Promise<Buffer>;
  write(data: string | Buffer): void;
  close(): void;
}

// A port nobody listens on right now.
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function connectTo(port: number): Promise<Client> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  let data = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    for (const wake of waiters) wake();
  });
  socket.on('close', () => { for (const wake of waiters) wake(); });
  return {
    socket,
    received: () => data,
    until: (test, what) => new Promise((resolve, reject) => {
      const check = () => {
        if (test(data)) {
          waiters.delete(check);
          resolve(data);
        } else if (socket.destroyed || socket.readableEnded) {
          waiters.delete(check);
          reject(new Error(`connection closed before ${what}; received: ${data.toString()}`));
        }
      };
      waiters.add(check);
      check();
    }),
    write: (text) => socket.write(text),
    close: () => socket.destroy(),
  };
}
