// Browser tests of examples/parallel-upload (upload_multiple, parallel_uploads = 3), on both
// Dropzone.js releases: batched requests carry file[N] parts, and each file of a batch gets its
// own result from the server's per-file JSON (upstream #33, #42).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  REFUSED_TYPE, VERSIONS, addFiles, assertStored, errorOf, openExample, pagePath,
  postsTo, previewStates, sentParts, skipBrowserChecks, waitForPreviews,
} from './modes-helpers.mjs';

const ZONE = 'photos';
const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });
const text = (name) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`${name}: not an image\n`) });

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, prefix } of VERSIONS) {
  describe(`parallel-upload example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });
    const open = (allow) => openExample(browser, 'example-parallel-upload', pagePath(prefix, '/'), { allow });
    const shot = (name) => screenshot(ex.page, `parallel-upload-${version}-${name}`);

    test('three images go in one request as file[0], file[1], file[2] and are stored byte-identical', async () => {
      ex = await open();
      assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
      const files = [png('sunrise-one.png', 1), png('sunrise-two.png', 2), png('sunrise-three.png', 3)];
      const answer = ex.page.waitForResponse((r) => r.request().method() === 'POST');
      await addFiles(ex.page, ZONE, files);
      const response = await answer;
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /^application\/json/);
      await waitForPreviews(ex.page, ZONE, 'dz-success', 3);
      await shot('batch');

      const uploads = postsTo(ex.posts, '/upload');
      assert.equal(uploads.length, 1, 'one request for the batch');
      assert.deepEqual(await sentParts(ex.page), [['file[0]', 'file[1]', 'file[2]']]);
      const stored = await assertStored(ex.server, files);
      const json = await response.json();
      assert.deepEqual(json.files.map((f) => [f.field, f.name, f.saved]), [
        ['file[0]', 'sunrise-one.png', true], ['file[1]', 'sunrise-two.png', true], ['file[2]', 'sunrise-three.png', true],
      ]);
      assert.deepEqual(json.files.map((f) => f.stored_name).sort(), [...stored].sort());
      assert.deepEqual(ex.problems, []);
    });

    test('a file the server refuses fails alone, with its own message; the others succeed', async () => {
      ex = await open();
      await skipBrowserChecks(ex.page, ZONE);
      const good = [png('lake-first.png', 4), png('lake-third.png', 5)];
      const answer = ex.page.waitForResponse((r) => r.request().method() === 'POST');
      await addFiles(ex.page, ZONE, [good[0], text('shopping-list.txt'), good[1]]);
      const response = await answer;
      assert.equal(response.status(), 200);
      assert.equal(await errorOf(ex.page, ZONE, 'shopping-list.txt'), REFUSED_TYPE);
      await waitForPreviews(ex.page, ZONE, 'dz-success', 2);
      await shot('one-refused');

      const states = await previewStates(ex.page, ZONE);
      assert.ok(states['lake-first.png'].includes('dz-success'), JSON.stringify(states));
      assert.ok(states['lake-third.png'].includes('dz-success'), JSON.stringify(states));
      assert.ok(!states['shopping-list.txt'].includes('dz-success'), JSON.stringify(states));
      assert.equal(postsTo(ex.posts, '/upload').length, 1);
      assert.deepEqual(await sentParts(ex.page), [['file[0]', 'file[1]', 'file[2]']]);
      const json = await response.json();
      assert.deepEqual(json.files[1], {
        field: 'file[1]', name: 'shopping-list.txt', saved: false, error: REFUSED_TYPE,
      });
      await assertStored(ex.server, good);
      assert.deepEqual(ex.problems, []);
    });

    test('a batch whose files are all refused is a 4xx with each file\'s reason; nothing is stored', async () => {
      ex = await open((r) => r.status() === 415 && new URL(r.url()).pathname === '/upload');
      await skipBrowserChecks(ex.page, ZONE);
      const answer = ex.page.waitForResponse((r) => r.request().method() === 'POST');
      await addFiles(ex.page, ZONE, [text('first-note.txt'), text('second-note.txt')]);
      const response = await answer;
      assert.equal(response.status(), 415);
      const json = await response.json();
      assert.equal(json.error, REFUSED_TYPE);
      assert.equal(json.files.length, 2);
      assert.equal(await errorOf(ex.page, ZONE, 'first-note.txt'), REFUSED_TYPE);
      assert.equal(await errorOf(ex.page, ZONE, 'second-note.txt'), REFUSED_TYPE);
      await shot('all-refused');
      await assertStored(ex.server, []);
      assert.deepEqual(ex.problems, []);
    });
  });
}
