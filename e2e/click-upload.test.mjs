// Browser tests of examples/click-upload (upload_on_click), on both Dropzone.js releases:
// nothing is sent until the button is pressed, one press sends the whole queue, and two
// click-upload zones on one page each drive their own queue (no global `dz`).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  VERSIONS, addFiles, assertStored, openExample, pagePath, postsTo, previewStates, sentParts,
  sleep, waitForPreviews,
} from './modes-helpers.mjs';

const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });
const IDLE_MS = 1_500; // long enough for an automatic upload to have started

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, prefix } of VERSIONS) {
  describe(`click-upload example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });
    const shot = (name) => screenshot(ex.page, `click-upload-${version}-${name}`);

    test('dropped files wait for the button; one click sends the whole queue', async () => {
      ex = await openExample(browser, 'example-click-upload', pagePath(prefix, '/'));
      assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
      const files = [png('harbour-one.png', 1), png('harbour-two.png', 2), png('harbour-three.png', 3)];
      await addFiles(ex.page, 'photos', files);
      await sleep(IDLE_MS);
      assert.equal(ex.posts.length, 0, 'nothing is sent before the button is pressed');
      const waiting = await previewStates(ex.page, 'photos');
      assert.deepEqual(Object.values(waiting), [[], [], []], JSON.stringify(waiting));
      await shot('queued');

      await ex.page.click('#upload');
      // parallel_uploads = 2: the third file goes once a slot is free, with no second click.
      await waitForPreviews(ex.page, 'photos', 'dz-success', 3);
      await shot('uploaded');
      assert.equal(postsTo(ex.posts, '/upload').length, 3, 'one request per file');
      assert.deepEqual(await sentParts(ex.page), [['file'], ['file'], ['file']]);
      await assertStored(ex.server, files);
      assert.equal(await ex.page.evaluate(() => typeof window.dz), 'undefined', 'no global dz');
      assert.deepEqual(ex.problems, []);
    });

    test('two click-upload zones on one page each send only their own queue', async () => {
      ex = await openExample(browser, 'example-click-upload', pagePath(prefix, '/two'));
      const first = png('valley-first-zone.png', 4);
      const second = png('valley-second-zone.png', 5);
      await addFiles(ex.page, 'photos', [first]);
      await addFiles(ex.page, 'second', [second]);
      await sleep(IDLE_MS);
      assert.equal(ex.posts.length, 0);

      await ex.page.click('#upload-second');
      await waitForPreviews(ex.page, 'second', 'dz-success', 1);
      await sleep(500);
      assert.deepEqual(ex.posts.map((r) => new URL(r.url()).pathname), ['/upload/second']);
      assert.deepEqual(await previewStates(ex.page, 'photos'), { 'valley-first-zone.png': [] });
      await shot('two-second-sent');
      await assertStored(ex.server, [second]);

      await ex.page.click('#upload');
      await waitForPreviews(ex.page, 'photos', 'dz-success', 1);
      assert.deepEqual(ex.posts.map((r) => new URL(r.url()).pathname), ['/upload/second', '/upload']);
      assert.deepEqual(ex.posts.map((r) => r.headers()['x-dropzone-zone']), ['second', 'photos']);
      await shot('two-both-sent');
      await assertStored(ex.server, [first, second]);
      assert.deepEqual(ex.problems, []);
    });
  });
}
