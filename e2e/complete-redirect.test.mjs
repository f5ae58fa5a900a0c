// Browser tests of examples/complete-redirect (redirect_view = "/completed"), on both
// Dropzone.js releases: the page goes to /completed once the queue is done and something was
// stored, and stays put when every file was refused (upstream #18).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  REFUSED_TYPE, VERSIONS, addFiles, assertStored, errorOf, openExample, pagePath, postsTo,
  skipBrowserChecks, sleep,
} from './modes-helpers.mjs';

const ZONE = 'photos';
const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });
const text = (name) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`${name}: not an image\n`) });
const STAY_MS = 2_000; // a redirect would have happened by then
const refusedUpload = (r) => r.status() === 415 && new URL(r.url()).pathname === '/upload';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, prefix } of VERSIONS) {
  describe(`complete-redirect example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });
    const open = () => openExample(browser, 'example-complete-redirect', pagePath(prefix, '/'), { allow: refusedUpload });
    const shot = (name) => screenshot(ex.page, `complete-redirect-${version}-${name}`);
    const here = () => new URL(ex.page.url()).pathname;

    test('after a successful queue the page lands on /completed', async () => {
      ex = await open();
      assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
      const files = [png('meadow-one.png', 1), png('meadow-two.png', 2), png('meadow-three.png', 3)];
      await addFiles(ex.page, ZONE, files);
      await ex.page.waitForURL('**/completed', { timeout: 15_000 });
      assert.equal(await ex.page.textContent('h1'), 'Upload completed.');
      await shot('completed');
      assert.equal(postsTo(ex.posts, '/upload').length, 3);
      await assertStored(ex.server, files);
      assert.deepEqual(ex.problems, []);
    });

    test('one stored file is enough: a queue with a server refusal still redirects', async () => {
      ex = await open();
      await skipBrowserChecks(ex.page, ZONE);
      const good = png('orchard.png', 4);
      await addFiles(ex.page, ZONE, [good, text('orchard-notes.txt')]);
      await ex.page.waitForURL('**/completed', { timeout: 15_000 });
      assert.equal(postsTo(ex.posts, '/upload').length, 2);
      await assertStored(ex.server, [good]);
      assert.deepEqual(ex.problems, []);
    });

    test('files refused by the browser: no request, no redirect, the reason is shown', async () => {
      ex = await open();
      await addFiles(ex.page, ZONE, [text('grocery-list.txt')]);
      assert.equal(await errorOf(ex.page, ZONE, 'grocery-list.txt'), REFUSED_TYPE);
      await sleep(STAY_MS);
      assert.equal(here(), pagePath(prefix, '/'));
      assert.equal(ex.posts.length, 0);
      await shot('browser-refused-stays');
      assert.deepEqual(ex.problems, []);
    });

    test('files refused by the server: no redirect, the reason is shown, nothing stored', async () => {
      ex = await open();
      await skipBrowserChecks(ex.page, ZONE);
      await addFiles(ex.page, ZONE, [text('diary-one.txt'), text('diary-two.txt')]);
      assert.equal(await errorOf(ex.page, ZONE, 'diary-one.txt'), REFUSED_TYPE);
      assert.equal(await errorOf(ex.page, ZONE, 'diary-two.txt'), REFUSED_TYPE);
      await sleep(STAY_MS);
      assert.equal(here(), pagePath(prefix, '/'));
      assert.equal(postsTo(ex.posts, '/upload').length, 2);
      await shot('server-refused-stays');
      await assertStored(ex.server, []);
      assert.deepEqual(ex.problems, []);
    });
  });
}
