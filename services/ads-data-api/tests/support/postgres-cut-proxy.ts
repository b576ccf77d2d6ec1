// A TCP proxy in front of the shared PostgreSQL that a test can cut and restore on the same
// port: to the data API behind it, the database goes away (connections reset, new ones
// refused) and comes back, while the real server, which other suites use, keeps running.
import net from 'node:net';

export interface PostgresCutProxy {
  port: number;
  /** Stops listening and resets every open connection. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startPostgresCutProxy(target: { host: string; port: number }): Promise<PostgresCutProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const listening = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => socket.destroy());
          socket.on('close', () => sockets.delete(socket));
        }
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as net.AddressInfo).port;
        server = listening;
        resolve();
      });
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (closing === undefined) resolve();
      else closing.close(() => resolve());
    });

  await listen();
  return { port, cut, restore: listen, close: cut };
}
