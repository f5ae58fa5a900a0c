// Browser tests of examples/quota (a per-visitor quota enforced by an UploadPolicy), on both
// Dropzone.js releases: a file that would pass the visitor's quota is refused with 507 once
// complete, and once the quota is used up a file is refused before it is stored; Dropzone.js
// shows the policy's message on the file, and only the files within the quota are stored.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot, startExample, watchPage } from './harness.mjs';
import { VERSIONS, addFiles, assertStored, errorOf, pagePath, waitForPreviews } from './modes-helpers.mjs';

// The derived zone's id: its type name in kebab-case.
const ZONE = 'photos';
const png = (name, seed, w = 160) => ({ name, mimeType: 'image/png', buffer: makePng(w, 120, { seed }) });

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, prefix } of VERSIONS) {
  describe(`quota example on Dropzone.js ${version}`, () => {
    let server;
    let context;
    afterEach(async () => {
      await context?.close();
      await server?.stop();
      context = undefined;
      server = undefined;
    });

    /** A fresh server with `quota` bytes per visitor, and a page on it. */
    const open = async (quota) => {
      server = await startExample('example-quota', { env: { QUOTA_BYTES: String(quota) } });
      context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchPage(page, { allow: (r) => r.url().endsWith('/upload') });
      await page.goto(server.url + pagePath(prefix, '/'), { waitUntil: 'load' });
      await page.waitForSelector('.dropzone.dz-clickable', { timeout: 10_000 });
      assert.equal(await page.evaluate(() => window.Dropzone.version), version);
      return { page, problems };
    };

    test('a file that would pass the quota is refused with its message, the first is kept', async () => {
      const first = png('first.png', 1);
      const second = png('second.png', 2);
      const { page, problems } = await open(first.buffer.length + 10);
      await addFiles(page, ZONE, [first]);
      await waitForPreviews(page, ZONE, 'dz-success', 1);
      await addFiles(page, ZONE, [second]);
      const message = await errorOf(page, ZONE, 'second.png');
      await screenshot(page, `quota-${version}-would-pass`);
      assert.equal(message, `This file would pass your upload quota: 10 of ${first.buffer.length + 10} bytes left.`);
      await assertStored(server, [first]);
      assert.deepEqual(problems, []);
    });

    test('once the quota is used up, a file is refused before it is stored', async () => {
      const first = png('first.png', 3);
      const { page, problems } = await open(first.buffer.length);
      await addFiles(page, ZONE, [first]);
      await waitForPreviews(page, ZONE, 'dz-success', 1);
      await addFiles(page, ZONE, [png('tiny.png', 4, 8)]);
      const message = await errorOf(page, ZONE, 'tiny.png');
      assert.equal(message, `Your upload quota of ${first.buffer.length} bytes is used up.`);
      await assertStored(server, [first]);
      assert.deepEqual(problems, []);
    });
  });
}
