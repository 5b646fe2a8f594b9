// SIGTERM, end to end, on the built server (`npm run build`, then `node dist/src/server.js`)
// as Heroku runs it: in-flight requests finish, new ones are told to close or refused, and
// the process exits 0 within 10 s.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { loadSeed } from '../support/homeserver.js';
import { freePort } from '../support/free-port.js';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'dist', 'src', 'server.js');
const seed = loadSeed();

function get(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a connection and sends the start of a request, leaving its headers unfinished. */
function startRequest(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Finishes the request begun by startRequest; resolves with the raw answer, or how the socket ended. */
function finishRequest(socket: Socket): Promise<{ answer: string; error: string | undefined }> {
  return new Promise((resolve) => {
    let answer = '';
    let settled = false;
    const settle = (error: string | undefined): void => {
      if (settled) return;
      settled = true;
      resolve({ answer, error });
    };
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => settle(undefined));
    socket.on('close', () => settle(undefined));
    socket.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
    if (socket.destroyed || !socket.writable) return settle('closed before the request was finished');
    socket.write('\r\n');
  });
}

describe('SIGTERM on the built server', () => {
  let proxy: FaultProxy;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    // Another engineer's work in progress may carry a type error; tsc still emits, and that is enough here.
    if (build.status !== 0 && !existsSync(entry)) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }, 180_000);

  beforeAll(async () => {
    proxy = await startFaultProxy(seed.homeserverUrl);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await proxy.close();
  });

  it('finishes in-flight requests, turns new ones away, and exits 0 within 10 s', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [entry], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(port),
        MATRIX_HOMESERVER_URL: proxy.url,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
      child!.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
    });

    const deadline = Date.now() + 20_000;
    while (!stdout.includes('"listening"') && !stdout.includes('listening')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await get(port, '/healthz')).status).toBe(200);

    // A slow page: the homeserver takes 2.5 s to answer for the room's state.
    proxy.set({ kind: 'delay', ms: 2500 }, /\/context\//);
    const slow = get(port, `/room/${seed.rooms.library.alias.slice(1)}`).then((answer) => ({ ...answer, at: Date.now() }));
    // A second client has connected and is still sending its request when the drain starts.
    const late = await startRequest(port, '/healthz');
    await new Promise((resolve) => setTimeout(resolve, 500));

    const termAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // New connections are refused once the listener is closed.
    await expect(get(port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The request that arrives during the drain (on a connection that was already open and
    // busy receiving it, so not idle) is answered, with Connection: close.
    const lateAnswer = await finishRequest(late);
    expect(lateAnswer.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(lateAnswer.answer.toLowerCase()).toContain('\r\nconnection: close\r\n');

    const page = await slow;
    expect(page.status).toBe(200);
    // It was still in flight when SIGTERM came, and was finished all the same.
    expect(page.at).toBeGreaterThan(termAt);
    expect(page.body).toContain(seed.rooms.library.name);

    const exit = await exited;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(10_000);
    expect(stdout).toContain('draining');
  }, 60_000);
});
