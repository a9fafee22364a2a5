// matcalc serve: the local playground and JSON API (src/serve/server.ts), until interrupted.
import { InputError } from '../expr/errors.js';
import { serve as start } from '../serve/server.js';

export async function serve(o: { port: number; host: string; timeout: number }): Promise<void> {
  let p;
  try {
    p = await start({ port: o.port, host: o.host, timeout: o.timeout });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`port ${o.port} on ${o.host} is in use: choose another with --port N (--port 0 takes a free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InputError(`--host ${o.host}: not an address of this machine`);
    if (code === 'EACCES') throw new InputError(`port ${o.port}: not allowed for this user (use a port above 1023)`);
    throw e;
  }
  const local = o.host === '127.0.0.1' || o.host === 'localhost' || o.host === '::1';
  process.stdout.write(`matcalc playground: ${p.url}\n${local ? '' : `warning: listening on ${o.host}, reachable from other machines; the API has no authentication\n`}(Ctrl-C stops it)\n`);
  const stop = () => void p.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
