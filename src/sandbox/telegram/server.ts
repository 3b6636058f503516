/**
 * The simulator's node:http side: the three routes (Bot API, file downloads, control API) and a
 * listener that can be started once and closed (destroying open keep-alive sockets).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../../core/logger.js';
import { serveEventStream } from '../event-stream.js';
import { BodyError, parseBody, parseQuery } from './body.js';
import type { TelegramControl } from './control.js';
import { runControlOperation } from './control-http.js';
import type { Engine } from './engine.js';
import type { World } from './world.js';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-telegram-bot-api-secret-token',
  'access-control-max-age': '600',
};

export interface RouteDeps {
  token: string;
  world: World;
  engine: Engine;
  control: TelegramControl;
  maxBodyBytes: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** The request body, or undefined when it is larger than `maxBodyBytes`. */
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `/bot<token>/<method>`: parses the body and runs the call through the engine. */
async function handleApi(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  botToken: string,
  method: string,
): Promise<void> {
  const body = await readBody(req, deps.maxBodyBytes);
  if (body === undefined) {
    send(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
    return;
  }
  let fields: Record<string, unknown>;
  let files;
  try {
    const parsed = parseBody(req.headers['content-type'], body);
    fields = { ...parseQuery(url.search.slice(1)), ...parsed.fields };
    files = parsed.files;
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
    return;
  }
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const outcome = await deps.engine.call({
    token: botToken,
    method: decodeURIComponent(method),
    fields,
    files,
    signal: aborted.signal,
    via: 'http',
  });
  switch (outcome.kind) {
    case 'ok':
      send(res, 200, { ok: true, result: outcome.result });
      return;
    case 'error':
      send(res, outcome.error.error_code, outcome.error);
      return;
    case 'response_lost':
      req.socket.destroy();
      return;
    case 'timeout': {
      const timer = setTimeout(() => req.socket.destroy(), outcome.holdMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
  }
}

/** `/file/bot<token>/<path>`: the bytes of a file getFile pointed to. */
function handleFile(deps: RouteDeps, res: ServerResponse, botToken: string, filePath: string) {
  if (botToken !== deps.token) {
    send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    return;
  }
  const file = [...deps.world.files.values()].find((f) => f.file_path === filePath);
  if (!file) {
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  res.writeHead(200, {
    ...CORS_HEADERS,
    'content-type': file.mime_type ?? 'application/octet-stream',
    'content-length': file.data.length,
  });
  res.end(file.data);
}

/** `/_sim/file/<file_id>`: a file's bytes by id, for pages showing chats (no getFile needed). */
function handleSimFile(deps: RouteDeps, res: ServerResponse, fileId: string): void {
  const file = deps.control.file(fileId);
  if (!file) {
    send(res, 404, { ok: false, error: `unknown file ${fileId}` });
    return;
  }
  res.writeHead(200, {
    ...CORS_HEADERS,
    'content-type': file.mimeType,
    'content-length': file.data.length,
  });
  res.end(file.data);
}

/** `/_sim/<operation>`: a control operation with a JSON body of named arguments. */
async function handleControl(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
): Promise<void> {
  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, deps.maxBodyBytes);
    if (raw === undefined) {
      send(res, 413, { ok: false, error: 'body too large' });
      return;
    }
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        send(res, 400, { ok: false, error: 'the body must be JSON' });
        return;
      }
    }
  }
  const response = runControlOperation(
    deps.control,
    req.method ?? 'GET',
    name,
    url.searchParams,
    body,
  );
  send(res, response.status, response.body);
}

/** Routes a request to the Bot API, a file download or the control API. */
export function createRequestHandler(deps: RouteDeps): Handler {
  return async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const path = url.pathname;
    const apiMatch = /^\/bot([^/]*)\/([^/]*)$/.exec(path);
    if (apiMatch)
      return handleApi(
        deps,
        req,
        res,
        url,
        decodeURIComponent(apiMatch[1] as string),
        apiMatch[2] as string,
      );
    const fileMatch = /^\/file\/bot([^/]*)\/(.+)$/.exec(path);
    if (fileMatch)
      return handleFile(
        deps,
        res,
        decodeURIComponent(fileMatch[1] as string),
        fileMatch[2] as string,
      );
    if (path === '/_sim/stream' && req.method === 'GET') {
      serveEventStream(req, res, {
        subscribe: (listener) => deps.control.onChange(listener),
        headers: CORS_HEADERS,
      });
      return;
    }
    const simFile = /^\/_sim\/file\/([^/]+)$/.exec(path);
    if (simFile) return handleSimFile(deps, res, decodeURIComponent(simFile[1] as string));
    const controlMatch = /^\/_sim\/?(.*)$/.exec(path);
    if (controlMatch) return handleControl(deps, req, res, url, controlMatch[1] as string);
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  };
}

/** A node:http server around a handler: listens once, closes with its open sockets. */
export class SimulatorServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** `http://host:port` once listening. */
  apiRoot = '';

  constructor(
    private readonly handle: Handler,
    private readonly logger: Logger,
  ) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server) throw new Error('the simulator is already listening');
    const created = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.logger.error({ err: error }, 'telegram simulator: unexpected error');
        send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      });
    });
    created.keepAliveTimeout = 5_000;
    created.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, host, () => resolve());
    });
    this.server = created;
    const address = created.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.apiRoot = `http://${shownHost}:${address.port}`;
    return { url: this.apiRoot };
  }

  async close(): Promise<void> {
    const current = this.server;
    this.server = undefined;
    if (!current) return;
    await new Promise<void>((resolve) => {
      current.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
