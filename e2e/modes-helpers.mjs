// Shared by the upload-mode browser tests (click-upload, complete-redirect, custom-options,
// in-form, parallel-upload, multiple-dropzone): open an example page with a fresh server,
// add files to one zone of the page, bypass the browser's checks so the server's own refusal
// shows, and look at what was stored.

import assert from 'node:assert/strict';
import path from 'node:path';
import { listFiles, readFile, sha256, startExample, watchPage } from './harness.mjs';

export const UUID_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]+)?$/;
export const REFUSED_TYPE = "You can't upload files of this type.";

/** Both Dropzone.js releases: `prefix` is put before a page path (`/` → `/v5`). */
export const VERSIONS = [
  { version: '6.3.5', prefix: '' },
  { version: '5.9.3', prefix: '/v5' },
];

/** `prefix` + `page`, where `/` under `/v5` is `/v5` itself. */
export const pagePath = (prefix, page) => (prefix && page === '/' ? prefix : prefix + page);

/**
 * Starts `binary`, opens a fresh browser context on `page`, and records the page's problems
 * (`allow` decides which error responses are expected) and every POST it makes.
 */
export async function openExample(browser, binary, page, { allow = () => false } = {}) {
  const server = await startExample(binary);
  const context = await browser.newContext();
  // Chromium does not hand file-backed multipart bodies to Playwright (postData() is empty), so
  // the part names of every XHR body are recorded as the page hands it over.
  await context.addInitScript(() => {
    const send = XMLHttpRequest.prototype.send;
    window.__sentParts = [];
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData) window.__sentParts.push([...body.keys()]);
      return send.call(this, body);
    };
  });
  const tab = await context.newPage();
  const problems = watchPage(tab, { allow });
  const posts = [];
  tab.on('request', (r) => { if (r.method() === 'POST') posts.push(r); });
  await tab.goto(server.url + page, { waitUntil: 'load' });
  await tab.waitForSelector('.dropzone.dz-clickable', { timeout: 10_000 });
  const close = async () => {
    await context.close().catch(() => {});
    await server.stop();
  };
  return { server, context, page: tab, problems, posts, close };
}

/** The POSTs whose path is `pathname`. */
export const postsTo = (posts, pathname) => posts.filter((r) => new URL(r.url()).pathname === pathname);

/**
 * Adds files to the zone with HTML id `zoneId` through its own hidden file input, as picking
 * them in the file dialog does. `files` are Playwright file payloads.
 */
export async function addFiles(page, zoneId, files) {
  const input = await page.evaluateHandle((id) => document.getElementById(id).dropzone.hiddenFileInput, zoneId);
  await input.asElement().setInputFiles(files);
  await input.dispose();
}

/**
 * Makes the zone accept every file in the browser (its type, size and count checks are
 * skipped), so that a file the server refuses is actually sent: the page and the server share
 * their rules, so only a client that skips the page's checks can send such a file.
 */
export async function skipBrowserChecks(page, zoneId) {
  await page.evaluate((id) => {
    document.getElementById(id).dropzone.accept = (file, done) => done();
  }, zoneId);
}

/** Waits until `count` previews of the zone have `cls` (e.g. `dz-success`). */
export async function waitForPreviews(page, zoneId, cls, count, timeout = 15_000) {
  await page.waitForFunction(
    ({ id, c, n }) => document.querySelectorAll(`#${id} .dz-preview.${c}`).length >= n,
    { id: zoneId, c: cls, n: count },
    { timeout },
  );
}

/** The error text shown on the preview of `name` in zone `zoneId` (hovered for screenshots). */
export async function errorOf(page, zoneId, name) {
  const preview = page.locator(`#${zoneId} .dz-preview.dz-error`, { hasText: name });
  await preview.waitFor({ timeout: 10_000 });
  await preview.hover();
  await page.waitForTimeout(600); // the tooltip's CSS fade-in
  return (await preview.locator('.dz-error-message').textContent()).trim();
}

/** Classes of every preview of a zone, by file name. */
export async function previewStates(page, zoneId) {
  return page.evaluate((id) => Object.fromEntries(
    [...document.querySelectorAll(`#${id} .dz-preview`)].map((el) => [
      el.querySelector('[data-dz-name]')?.textContent,
      ['dz-processing', 'dz-success', 'dz-error'].filter((c) => el.classList.contains(c)),
    ]),
  ), zoneId);
}

/**
 * Asserts that `dir` (relative to the upload folder) holds exactly the given files, each under
 * a random UUID name with the file's extension and byte-identical; returns the stored names.
 */
export async function assertStored(server, expected, dir = '') {
  const root = path.join(server.uploadDir, dir);
  const stored = (await listFiles(root)).filter((f) => !f.includes(path.sep));
  assert.equal(stored.length, expected.length, `stored in ${dir || '.'}: ${stored.join(', ')}`);
  const want = expected.map((f) => sha256(f.buffer)).sort();
  const got = [];
  for (const name of stored) {
    assert.match(name, UUID_NAME);
    got.push(sha256(await readFile(path.join(root, name))));
  }
  assert.deepEqual(got.sort(), want, 'byte-identical');
  for (const f of expected) {
    assert.ok(!stored.some((n) => n.includes(path.parse(f.name).name)), 'the client name is not used');
  }
  return stored;
}

/** The part names of each multipart XHR body the page sent, in order. */
export const sentParts = (page) => page.evaluate(() => window.__sentParts);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
