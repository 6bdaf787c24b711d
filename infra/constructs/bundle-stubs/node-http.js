// Stands in for `node:http` in Lambda bundles. Imported as an ES module, Node's http builds a module namespace from all
// of its exports, which reads the lazy WebSocket, CloseEvent and MessageEvent getters and so loads Node's bundled
// undici: about 25 ms of every cold start (bench/REPORT.md, "Cold start"), for classes that nothing here uses. The
// AWS SDK's HTTP handler and instance-metadata client import `node:http` that way; loaded with require, it is the
// same module without that cost. Aliased for 'http' and 'node:http' alike.
import { createRequire } from 'node:module';

const http = createRequire(import.meta.url)('node:http');

export default http;
export const { Agent, ClientRequest, IncomingMessage, OutgoingMessage, Server, ServerResponse, METHODS, STATUS_CODES } =
  http;
export const { createServer, get, globalAgent, maxHeaderSize, request, validateHeaderName, validateHeaderValue } = http;
