// node:http's limits on slow clients, shared by the main listener (server.ts) and the
// metrics listener (in one process, or in a cluster's primary, which loads no server).
import type { ServerOptions } from 'node:http';
import type { Config } from '../config.js';

/**
 * node:http's limits on slow clients, from HTTP_*_TIMEOUT (seconds): the headers, and
 * the whole request with its body, must arrive in time, or the client gets 408 and the
 * connection is closed; idle keep-alive connections are closed too. Nothing limits the
 * answer (a vote waits for its key derivation): no socket idle timeout is set, since
 * it would also cut a connection whose answer is still being computed. Node checks the
 * limits every `connectionsCheckingInterval` (30 s by default, far coarser than the
 * limits themselves), so every second here. The metrics listener uses the same.
 */
export function httpTimeouts(
  timeouts: Config['timeouts'],
): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: timeouts.headers * 1000,
    requestTimeout: timeouts.request * 1000,
    keepAliveTimeout: timeouts.keepAlive * 1000,
    connectionsCheckingInterval: 1000,
  };
}
