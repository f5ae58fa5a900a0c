// Browser tests of examples/custom-options, on both Dropzone.js releases: upstream's raw
// `custom_init` click handler and `custom_options` (which override generated options, upstream
// #16), and the same behaviour declared with typed options (`extra(add_remove_links = true)`).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  VERSIONS, addFiles, assertStored, openExample, pagePath, postsTo, sleep, waitForPreviews,
} from './modes-helpers.mjs';

const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PAGES = [
  { kind: 'raw', page: '/', zone: 'photos', upload: '/upload' },
  { kind: 'typed', page: '/typed', zone: 'typed', upload: '/upload/typed' },
];

for (const { version, prefix } of VERSIONS) {
  describe(`custom-options example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });

    for (const { kind, page, zone, upload } of PAGES) {
      test(`${kind} options: the queue waits for #upload-btn, remove links, parallelUploads 20`, async () => {
        ex = await openExample(browser, 'example-custom-options', pagePath(prefix, page));
        assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
        const options = await ex.page.evaluate((id) => {
          const o = document.getElementById(id).dropzone.options;
          return { autoProcessQueue: o.autoProcessQueue, addRemoveLinks: o.addRemoveLinks, parallelUploads: o.parallelUploads };
        }, zone);
        assert.deepEqual(options, { autoProcessQueue: false, addRemoveLinks: true, parallelUploads: 20 });

        const files = [png(`${kind}-canyon-one.png`, 1), png(`${kind}-canyon-two.png`, 2), png(`${kind}-canyon-three.png`, 3)];
        await addFiles(ex.page, zone, files);
        await sleep(1_500);
        assert.equal(ex.posts.length, 0, 'nothing is sent before the button is pressed');
        assert.equal(await ex.page.locator(`#${zone} .dz-remove`).count(), 3, 'a remove link per file');
        await screenshot(ex.page, `custom-options-${version}-${kind}-queued`);

        await ex.page.click('#upload-btn');
        await waitForPreviews(ex.page, zone, 'dz-success', 3);
        await screenshot(ex.page, `custom-options-${version}-${kind}-uploaded`);
        assert.equal(postsTo(ex.posts, upload).length, 3);
        await assertStored(ex.server, files);
        // Upstream's `dz = this` assigns custom_init's own `dz`, not a global.
        assert.equal(await ex.page.evaluate(() => typeof window.dz), 'undefined');
        assert.deepEqual(ex.problems, []);
      });
    }
  });
}
