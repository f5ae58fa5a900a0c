// Browser tests of examples/csrf (Flask-Dropzone's csrf example: images, 3 MiB, 30 files,
// enable_csrf), on both Dropzone.js releases: / uses 6.3.5 and /v5 uses 5.9.3. The page gets
// its token from the CsrfToken extractor (which sets the session cookie) and Dropzone sends it
// as X-CSRF-Token on every upload. Without a valid token the server refuses with 400 and
// Flask-WTF's reason, which Dropzone shows on the file, and stores nothing.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, makePng, postMultipart, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

const isUpload = (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, path: pagePath } of PAGES) {
  describe(`csrf example on Dropzone.js ${version}`, () => {
    let server;
    let context;
    let page;
    let problems;

    beforeEach(async () => {
      server = await startExample('example-csrf');
      context = await browser.newContext();
      page = await context.newPage();
      problems = watchPage(page, { allow: (r) => new URL(r.url()).pathname === '/upload' });
      await page.goto(server.url + pagePath, { waitUntil: 'load' });
      await page.waitForSelector('.dropzone .dz-message');
    });

    afterEach(async () => {
      await context?.close();
      await server?.stop();
    });

    const shot = (name) => screenshot(page, `csrf-${version}-${name}`);

    const errorOf = async (name) => {
      const preview = page.locator('.dz-preview.dz-error', { hasText: name });
      await preview.waitFor({ timeout: 10_000 });
      await preview.hover();
      await page.waitForTimeout(600);
      return (await preview.locator('.dz-error-message').textContent()).trim();
    };

    test('an upload carries the token and the image is stored byte-identical', async () => {
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'dropzone_csrf');
      assert.ok(session, 'the page set the session cookie');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');

      const png = makePng(200, 120, { seed: 4 });
      const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/upload'));
      const response = page.waitForResponse(isUpload);
      await page.setInputFiles('.dz-hidden-input', { name: 'photo.png', mimeType: 'image/png', buffer: png });
      const sent = await request;
      assert.match(sent.headers()['x-csrf-token'] ?? '', /^\d+\.[A-Za-z0-9_-]+$/);
      const answer = await response;
      assert.equal(answer.status(), 200, await answer.text());
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 10_000 });
      await shot('success');
      const stored = await listFiles(server.uploadDir);
      assert.equal(stored.length, 1, stored.join(', '));
      assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(png));
      assert.deepEqual(problems, []);
    });

    test('without the token header the upload fails with a visible reason and nothing is stored', async () => {
      await page.route('**/upload', (route) => {
        const headers = { ...route.request().headers() };
        delete headers['x-csrf-token'];
        return route.continue({ headers });
      });
      const response = page.waitForResponse(isUpload);
      await page.setInputFiles('.dz-hidden-input', {
        name: 'no-token.png', mimeType: 'image/png', buffer: makePng(64, 64),
      });
      assert.equal((await response).status(), 400);
      assert.equal(await errorOf('no-token.png'), 'The CSRF token is missing.');
      await shot('missing');
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });

    test('a forged token and a missing session cookie are refused with their reasons', async () => {
      await page.route('**/upload', (route) => {
        const headers = { ...route.request().headers(), 'x-csrf-token': '1700000000.AAAA' };
        return route.continue({ headers });
      });
      await page.setInputFiles('.dz-hidden-input', {
        name: 'forged.png', mimeType: 'image/png', buffer: makePng(64, 64, { seed: 1 }),
      });
      assert.equal(await errorOf('forged.png'), 'The CSRF token is invalid.');
      await page.unroute('**/upload');

      await context.clearCookies();
      await page.setInputFiles('.dz-hidden-input', {
        name: 'no-cookie.png', mimeType: 'image/png', buffer: makePng(64, 64, { seed: 2 }),
      });
      assert.equal(await errorOf('no-cookie.png'), 'The CSRF session token is missing.');
      await shot('invalid');
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });

    test('the remove link sends the token too: refused without it, the file removed with it', async () => {
      const png = makePng(90, 60, { seed: 5 });
      await page.setInputFiles('.dz-hidden-input', { name: 'kept.png', mimeType: 'image/png', buffer: png });
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 10_000 });
      const stored = await listFiles(server.uploadDir);
      assert.equal(stored.length, 1, stored.join(', '));

      // Token stripped from the removal: 400 with Flask-WTF's reason, shown on the file put
      // back, and the file stays.
      await page.route('**/upload', (route) => {
        if (route.request().method() !== 'DELETE') return route.continue();
        const headers = { ...route.request().headers() };
        delete headers['x-csrf-token'];
        return route.continue({ headers });
      });
      const refused = page.waitForResponse((r) => r.request().method() === 'DELETE');
      await page.click('.dz-preview .dz-remove');
      assert.equal((await refused).status(), 400);
      assert.equal(await errorOf('kept.png'), 'The CSRF token is missing.');
      assert.deepEqual(await listFiles(server.uploadDir), stored);
      await page.unroute('**/upload');

      // The same link with the page's token (the zone's headers): gone.
      const removal = page.waitForRequest((r) => r.method() === 'DELETE');
      const removed = page.waitForResponse((r) => r.request().method() === 'DELETE');
      // Dispatched on the link: the hovered error tooltip lies over it.
      await page.locator('.dz-preview .dz-remove').dispatchEvent('click');
      assert.match((await removal).headers()['x-csrf-token'] ?? '', /^\d+\.[A-Za-z0-9_-]+$/);
      assert.equal((await removed).status(), 204);
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });

    test('a cross-site browser post is refused by the Origin/Sec-Fetch-Site layer first', async () => {
      // What a browser sends for a form or fetch posted from another site: tower-http's
      // CsrfLayer answers 403 before the extractor (and its token check) runs.
      const r = await postMultipart(`${server.url}/upload`, {
        filename: 'x.png', contentType: 'image/png', bytes: makePng(32, 32),
        headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      });
      assert.equal(r.status, 403, r.body);
      assert.deepEqual(await listFiles(server.uploadDir), []);
    });

    test('a non-browser post without token or cookie is refused by the token check', async () => {
      // No Origin and no Sec-Fetch-Site (curl, scripts): the layer lets it through, the token
      // check does not.
      const r = await postMultipart(`${server.url}/upload`, {
        filename: 'x.png', contentType: 'image/png', bytes: makePng(32, 32),
      });
      assert.equal(r.status, 400, r.body);
      assert.equal(r.body, 'The CSRF token is missing.');
      assert.deepEqual(await listFiles(server.uploadDir), []);
    });
  });
}
