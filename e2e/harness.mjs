// Shared pieces of the browser tests: start an already-built example binary on a free
// loopback port with a fresh upload directory, launch Debian's chromium through
// playwright-core, save screenshots, and make test files.
//
// This file builds nothing. `scripts/test.sh` runs `cargo build` first; the binaries are
// looked up in $EXAMPLE_BIN_DIR (default: target/debug at the repository root).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
export const BIN_DIR = path.resolve(ROOT, process.env.EXAMPLE_BIN_DIR ?? 'target/debug');
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `$EXAMPLE_BIN_DIR/<binary>` with ADDR=127.0.0.1:<free port> and UPLOAD_DIR=<fresh
 * temp dir>, and waits (at most 20 s) until it accepts connections.
 * Returns { url, port, pid, uploadDir, output(), stop(), exited() }; stop() kills it and
 * removes the dir. `env` overrides any variable, UPLOAD_DIR included (two instances on one
 * folder); the fresh dir is still the one stop() removes.
 */
export async function startExample(binary, { env = {} } = {}) {
  const exe = path.join(BIN_DIR, binary);
  if (!existsSync(exe)) {
    throw new Error(`${exe} does not exist: build it first (bash scripts/test.sh does), or set EXAMPLE_BIN_DIR`);
  }
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const uploadDir = await mkdtemp(path.join(os.tmpdir(), 'dropzone-e2e-uploads-'));
    const child = spawn(exe, [], {
      cwd: uploadDir,
      env: { ...process.env, ADDR: `127.0.0.1:${port}`, UPLOAD_DIR: uploadDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    let exited = null;
    const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }));

    const stop = async () => {
      if (exited === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exitPromise, sleep(STOP_TIMEOUT_MS).then(() => null)]);
        if (done === null) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      if (!process.env.E2E_KEEP_UPLOADS) await rm(uploadDir, { recursive: true, force: true });
    };

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (exited === null && Date.now() < deadline) {
      if (await canConnect(port)) {
        return {
          url: `http://127.0.0.1:${port}`, port, pid: child.pid, uploadDir, output: () => log, stop,
          exited: () => exitPromise,
        };
      }
      await sleep(50);
    }
    lastError = new Error(
      exited === null
        ? `${binary} did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms:\n${log}`
        : `${binary} exited (${JSON.stringify(exited)}) before listening:\n${log}`,
    );
    await stop();
    // Another process may have taken the port between freePort() and bind(): try again.
    if (!/in use/i.test(log)) break;
  }
  throw lastError;
}

/**
 * Launches chromium headless. Playwright's launch() always passes a fresh temporary
 * --user-data-dir and --headless; the rest are the flags this machine needs (no sandbox as
 * root, and no background network traffic, which the closed network refuses).
 */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as e2e/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Records console errors, uncaught page errors, failed requests and error responses of a
 * page. The browser's own /favicon.ico request is not the page's doing and is ignored; an
 * error response is recorded with its URL instead of as the console's URL-less message.
 * Pass `allow` (a function of a Response) for error responses a test expects.
 */
export function watchPage(page, { allow = () => false } = {}) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !allow(r)) {
      problems.push(`response: ${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  return problems;
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Every regular file under `dir`, recursively, as paths relative to it. */
export async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const all = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
  // Each stored file's metadata sidecar (`.meta/<name>.json`) is not listed; instead, check
  // that there is exactly one per stored file and nothing else, so every "nothing is left"
  // assertion covers metadata too.
  const metaDir = `.meta${path.sep}`;
  const files = all.filter((f) => !f.startsWith(metaDir));
  const sidecars = all.filter((f) => f.startsWith(metaDir)).map((f) => f.slice(metaDir.length)).sort();
  const stored = files.filter((f) => STORED_NAME.test(f)).map((f) => `${f}.json`).sort();
  if (JSON.stringify(sidecars) !== JSON.stringify(stored)) {
    throw new Error(`metadata sidecars ${JSON.stringify(sidecars)} do not match stored files ${JSON.stringify(stored)}`);
  }
  return files;
}

/**
 * What a finished chunked upload leaves by design until its expiry (dropzone-runtime's
 * chunk_disk.rs): the folder's `.chunks/.ledger` and one tombstone `end` file per upload, so that
 * a late chunk of a stored file is answered 410. Anything else under `.chunks/` is a leftover.
 */
export const isChunkBookkeeping = (f) =>
  f === path.join('.chunks', '.ledger') || /^\.chunks[\\/][0-9a-f-]{36}[\\/]end$/.test(f);

/** The stored files under `dir`: `listFiles` without the chunk bookkeeping. */
export async function storedFiles(dir) {
  return (await listFiles(dir)).filter((f) => !isChunkBookkeeping(f));
}

/** A stored file's name: `<uuid v4>[.ext]` (dropzone_runtime::files::is_stored_name). */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(\.[a-z0-9]{1,16})?$/;

export { readFile };

// ---------------------------------------------------------------------------------------
// Test files: real PNGs, so that Dropzone's thumbnailer does not report a broken image.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * An RGB PNG of `width` x `height` with a colour gradient. `level` is the zlib level:
 * 0 stores the pixels uncompressed, which makes a predictably large file.
 */
export function makePng(width, height, { level = 9, seed = 0 } = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x += 1) {
      const o = y * stride + 1 + x * 3;
      raw[o] = (x * 255) / width;
      raw[o + 1] = (y * 255) / height;
      raw[o + 2] = (seed * 37 + x + y) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * POSTs one file as multipart/form-data with node's http client and resolves with
 * { status, headers, body } as soon as the answer arrives. Unlike fetch(), this still reports
 * the answer when the server refuses early (413 before reading the whole body) and then
 * closes the connection while the request body is being sent.
 */
export function postMultipart(url, { field = 'file', filename, contentType, bytes, headers = {} }) {
  const boundary = `----dropzone-e2e-${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n`
      + `Content-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, bytes, tail]);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': body.length,
        ...headers,
      },
    }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      const done = () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
      });
      res.on('end', done);
      res.on('error', done); // connection reset after (part of) the answer: keep what came
    });
    req.on('error', (e) => { if (!answered) reject(e); });
    req.setTimeout(30_000, () => req.destroy(new Error(`POST ${url} timed out`)));
    req.end(body);
  });
}
