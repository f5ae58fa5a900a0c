// Browser tests of examples/askama and examples/minijinja: the zone's fragments printed by
// each template engine (no `|safe`) make a working dropzone on both Dropzone.js releases,
// the page's own title is escaped by the engine, and an uploaded image is stored
// byte-identical under a random name.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, makePng, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const UUID_NAME = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(\.[a-z0-9]+)?$/i;
const ENGINES = ['askama', 'minijinja'];
const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const engine of ENGINES) {
  for (const { version, path: pagePath } of PAGES) {
    describe(`${engine} example on Dropzone.js ${version}`, () => {
      let server;
      let context;
      let page;
      let problems;

      beforeEach(async () => {
        server = await startExample(`example-${engine}`);
        context = await browser.newContext();
        page = await context.newPage();
        problems = watchPage(page);
        await page.goto(server.url + pagePath, { waitUntil: 'load' });
        await page.waitForSelector('.dropzone .dz-message');
      });

      afterEach(async () => {
        await context?.close();
        await server?.stop();
      });

      test('the fragments are markup, the title is escaped text', async () => {
        assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
        const title = `${engine} & dropzone-rs <example>`;
        assert.equal(await page.title(), title);
        assert.equal(await page.textContent('h1'), title);
        const text = await page.evaluate(() => document.body.innerText);
        assert.doesNotMatch(text, /<form|<script|&lt;|&#60;/, 'no markup shown as text');
        const border = await page.$eval('.dropzone', (el) => getComputedStyle(el).borderTopStyle);
        assert.equal(border, 'dashed', 'the zone style() block applies');
        assert.deepEqual(problems, []);
      });

      test('an image uploads through the page and is stored byte-identical', async () => {
        const png = makePng(200, 120, { seed: 7 });
        const response = page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload',
        );
        await page.setInputFiles('.dz-hidden-input', { name: 'photo.png', mimeType: 'image/png', buffer: png });
        const answer = await response;
        assert.ok(answer.ok(), `POST /upload answered ${answer.status()}: ${await answer.text()}`);
        await page.waitForSelector('.dz-preview.dz-success', { timeout: 10_000 });
        await screenshot(page, `${engine}-${version}-success`);
        const stored = await listFiles(server.uploadDir);
        assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
        assert.match(path.basename(stored[0]), UUID_NAME);
        assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(png));
        assert.deepEqual(problems, []);
      });
    });
  }
}
