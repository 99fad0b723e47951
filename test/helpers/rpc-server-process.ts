// A bare RPC server in its own process, for tests that SIGKILL it mid-call. Serves the
// fixtures on 127.0.0.1 (Upload too when given an inbox directory) and prints its port.
//
//   node dist/test/helpers/rpc-server-process.js [port] [inbox]

import { RpcServer } from '../../dataplane/rpc/server.js';
import { serveFixtures } from './rpc-fixtures.js';

const server = serveFixtures(new RpcServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) }), process.argv[3]);
await server.listen();
process.stdout.write(`${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
