/**
 * The sandbox page's server (`premiumbot sandbox --ui`): serves the page built into
 * `dist/sandbox/ui/public/` (HTML, CSS, the compiled client, sample images) and `/config.json`
 * telling it where the simulators are. Loopback only: the page can act as anyone. The page
 * talks to the simulators' control APIs directly (they answer with CORS headers) and follows
 * their `GET /_sim/stream` event streams. Imports nothing from product code.
 */
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the page needs to know about the sandbox world. */
export interface SandboxUiConfig {
  telegramApiRoot: string;
  stripeApiBase: string;
  botToken: string;
  adminChatId: number;
  /** The creator (owner, ADMIN_USER_IDS). */
  ownerId: number;
  /** An administrator of the admin group (an agent once the owner adds them with /team). */
  agentId: number;
  /** A member of the admin group who is not an administrator. */
  memberId: number;
}

export interface SandboxUi {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The built page next to this file (dist/sandbox/ui/public), or the build's when run from src. */
export function defaultPublicDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'public'),
    path.resolve(here, '../../../dist/sandbox/ui/public'),
  ];
  const built = candidates.find((dir) => fs.existsSync(path.join(dir, 'js', 'main.js')));
  // Not built: name the folder `npm run build` writes (the second one when run from src/).
  const fromDist = path.basename(path.resolve(here, '../..')) === 'dist';
  return built ?? ((fromDist ? candidates[0] : candidates[1]) as string);
}

function serveFile(res: ServerResponse, root: string, urlPath: string): void {
  const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath.slice(1));
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-cache',
    // Nothing from the network: only this server and the two local simulators.
    'content-security-policy':
      "default-src 'self'; connect-src 'self' http://127.0.0.1:* http://localhost:* http://[::1]:*; img-src 'self' data: http://127.0.0.1:* http://localhost:* http://[::1]:*; frame-src http://127.0.0.1:* http://localhost:* http://[::1]:*",
  });
  res.end(body);
}

/** Starts the page's server on a loopback address; refuses any other address. */
export async function startSandboxUi(
  config: SandboxUiConfig,
  options: { port?: number; host?: string; publicDir?: string } = {},
): Promise<SandboxUi> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `The sandbox page listens on loopback only (127.0.0.1, ::1 or localhost), not "${host}".`,
    );
  }
  const root = path.resolve(options.publicDir ?? defaultPublicDir());
  if (!fs.existsSync(path.join(root, 'js', 'main.js'))) {
    throw new Error(`The sandbox page is not built (${root}): run \`npm run build\`.`);
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    if (url.pathname === '/config.json') {
      const body = JSON.stringify(config);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    serveFile(res, root, url.pathname);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
