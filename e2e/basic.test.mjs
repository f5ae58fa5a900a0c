// Browser tests of examples/basic (Flask-Dropzone's basic example: images only, 3 MiB,
// 30 files, local assets), on both Dropzone.js releases: / uses 6.3.5 and /?v=5 uses 5.9.3.
// Each test gets its own server process and a fresh, empty UPLOAD_DIR.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, makePng, postMultipart, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const MiB = 1024 * 1024;
const UUID_NAME = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(\.[a-z0-9]+)?$/i;
const ZONE_CSS = { borderTopStyle: 'dashed', borderTopColor: 'rgb(0, 135, 247)' };

const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/?v=5' },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, path: pagePath } of PAGES) {
  describe(`basic example on Dropzone.js ${version}`, () => {
    let server;
    let context;
    let page;
    let problems;
    let uploads; // POST /upload requests the page made

    beforeEach(async () => {
      server = await startExample('example-basic');
      context = await browser.newContext();
      page = await context.newPage();
      problems = watchPage(page, { allow: (r) => r.url().endsWith('/upload') });
      uploads = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/upload') uploads.push(r);
      });
      await page.goto(server.url + pagePath, { waitUntil: 'load' });
      await page.waitForSelector('.dropzone .dz-message');
    });

    afterEach(async () => {
      await context?.close();
      await server?.stop();
    });

    const shot = (name) => screenshot(page, `basic-${version}-${name}`);

    /** The text of the error message in the preview of `name` (hovered: Dropzone's CSS
     * shows the message as a tooltip, so the screenshot taken next shows it). */
    const errorOf = async (name) => {
      const preview = page.locator('.dz-preview.dz-error', { hasText: name });
      await preview.waitFor({ timeout: 10_000 });
      await preview.hover();
      await page.waitForTimeout(600); // the tooltip's CSS fade-in
      return (await preview.locator('.dz-error-message').textContent()).trim();
    };

    test('the page loads this release from the embedded assets and styles the zone', async () => {
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
      const local = await page.evaluate(() => [
        ...[...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')),
        ...[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href')),
      ]);
      // The release's script and stylesheet, and the init code once, all from this server.
      assert.equal(local.length, 3, local.join(', '));
      const [js, init, style] = local;
      for (const url of [js, style]) assert.ok(url.startsWith(`/dropzone/static/${version}/`), url);
      assert.match(init, /^\/dropzone\/static\/dropzone-rs\/[0-9.]+-[0-9a-f]{16}\/init\.js$/);
      // The page carries no init code inline: only the zone's data block.
      const inline = await page.evaluate(() => [...document.querySelectorAll('script:not([src])')]
        .map((s) => s.type));
      assert.deepEqual(inline, ['application/json']);
      const css = await page.$eval('.dropzone', (el) => {
        const s = getComputedStyle(el);
        return { borderTopStyle: s.borderTopStyle, borderTopColor: s.borderTopColor };
      });
      assert.deepEqual(css, ZONE_CSS);
      await shot('page');
      assert.deepEqual(problems, []);
    });

    test('an image uploads, shows success and is stored byte-identical under a random name', async () => {
      const png = makePng(240, 160, { seed: 1 });
      const response = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload',
      );
      await page.setInputFiles('.dz-hidden-input', { name: 'photo.png', mimeType: 'image/png', buffer: png });
      const answer = await response;
      assert.ok(answer.ok(), `POST /upload answered ${answer.status()}: ${await answer.text()}`);
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 10_000 });
      await shot('success');

      const stored = await listFiles(server.uploadDir);
      assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
      const name = path.basename(stored[0]);
      assert.match(name, UUID_NAME);
      assert.ok(!name.includes('photo'), name);
      assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(png));
      assert.deepEqual(problems, []);
    });

    test('an image just under 3 MiB uploads (the server limit is the zone\'s, not axum\'s 2 MB default)', async () => {
      const png = makePng(1000, 1000, { level: 0, seed: 3 });
      assert.ok(png.length > 2.5 * MiB && png.length < 3 * MiB, `${png.length} bytes`);
      const response = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload',
      );
      await page.setInputFiles('.dz-hidden-input', { name: 'large.png', mimeType: 'image/png', buffer: png });
      const answer = await response;
      assert.ok(answer.ok(), `POST /upload answered ${answer.status()}: ${await answer.text()}`);
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 15_000 });
      await shot('near-limit');
      const stored = await listFiles(server.uploadDir);
      assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
      assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(png));
      assert.deepEqual(problems, []);
    });

    test('an image over 3 MiB is refused in the browser with the file-too-big message', async () => {
      const big = makePng(1100, 1100, { level: 0 });
      assert.ok(big.length > 3 * MiB, `${big.length} bytes`);
      await page.setInputFiles('.dz-hidden-input', { name: 'huge.png', mimeType: 'image/png', buffer: big });
      const message = await errorOf('huge.png');
      assert.match(message, /File is too big/);
      assert.match(message, /Max filesize: 3(\.0+)? ?MiB/);
      await shot('too-big');
      assert.equal(uploads.length, 0, 'nothing was sent');
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });

    test('a text file is refused in the browser with the invalid-type message', async () => {
      await page.setInputFiles('.dz-hidden-input', {
        name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n'),
      });
      const message = await errorOf('notes.txt');
      assert.match(message, /can.?t upload files of this type/i);
      await shot('wrong-type');
      assert.equal(uploads.length, 0, 'nothing was sent');
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });

    test('the server refuses what skips the browser checks (415 for text, 413 for size)', async () => {
      // From the page, as a script that bypasses Dropzone would: a .txt posted directly.
      const text = await page.evaluate(async () => {
        const form = new FormData();
        form.append('file', new Blob(['not an image\n'], { type: 'text/plain' }), 'notes.txt');
        const r = await fetch('/upload', { method: 'POST', body: form });
        return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
      });
      assert.equal(text.status, 415, JSON.stringify(text));
      assert.match(text.type ?? '', /^text\/plain/);
      assert.ok(text.body.trim().length > 0, 'a message for Dropzone to show');

      // From outside the browser: an image-typed body over the 3 MiB limit.
      const big = makePng(1100, 1100, { level: 0, seed: 2 });
      const r = await postMultipart(`${server.url}/upload`, {
        filename: 'huge.png', contentType: 'image/png', bytes: big,
      });
      assert.equal(r.status, 413, r.body);
      assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
      assert.ok(r.body.trim().length > 0);

      await shot('server-refusals');
      assert.deepEqual(await listFiles(server.uploadDir), [], 'no file (or temp file) left behind');
      assert.deepEqual(problems, []);
    });
  });
}
