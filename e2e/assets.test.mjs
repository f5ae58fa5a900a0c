// Browser smoke test of the asset router alone (dropzone-runtime's `serve_assets` example):
// each embedded Dropzone.js release loads in chromium with its SRI `integrity`, its CSS
// applies, and a zone started by hand queues a dropped image.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot, startExample, watchPage } from './harness.mjs';

const RELEASES = ['6.3.5', '5.9.3'];

describe('embedded Dropzone.js in chromium', () => {
  let server;
  let browser;

  before(async () => {
    server = await startExample('examples/serve_assets');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const version of RELEASES) {
    test(`Dropzone.js ${version} loads from /dropzone/static with SRI and works`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchPage(page);
      const assetResponses = [];
      page.on('response', (r) => {
        if (r.url().includes('/dropzone/static/')) assetResponses.push(r);
      });
      try {
        await page.goto(`${server.url}/${version}`, { waitUntil: 'load' });

        // The script ran (a failed SRI check would have blocked it) and is the right release.
        assert.equal(await page.evaluate(() => typeof window.Dropzone), 'function');
        assert.equal(await page.evaluate(() => window.Dropzone.version), version);

        // Both files came from the router, with the headers it promises.
        assert.equal(assetResponses.length, 2, assetResponses.map((r) => r.url()).join(', '));
        for (const r of assetResponses) {
          assert.equal(r.status(), 200, r.url());
          const h = r.headers();
          assert.match(h['content-type'], /^text\/(javascript|css); charset=utf-8$/);
          assert.equal(h['x-content-type-options'], 'nosniff');
          assert.equal(h['cache-control'], 'public, max-age=31536000, immutable');
          assert.match(h.etag, /^"[0-9a-f]{64}"$/);
        }

        // The stylesheet applied: Dropzone's CSS gives .dropzone a visible border.
        const border = await page.$eval('#zone', (el) => getComputedStyle(el).borderTopStyle);
        assert.notEqual(border, 'none');
        await page.waitForSelector('#zone .dz-message');

        // The zone works: an image set on its hidden input is queued with a preview.
        await page.setInputFiles('.dz-hidden-input', {
          name: 'pixel.png',
          mimeType: 'image/png',
          buffer: makePng(120, 80),
        });
        await page.waitForSelector('#zone .dz-preview .dz-filename', { timeout: 10_000 });
        assert.equal(await page.$eval('#zone .dz-filename', (el) => el.textContent.trim()), 'pixel.png');
        assert.equal(await page.evaluate(() => window.zone.getQueuedFiles().length), 1);
        // The thumbnail is drawn asynchronously; wait for it so the screenshot shows it.
        await page.waitForFunction(() => document.querySelector('#zone .dz-image img')?.src?.startsWith('data:'));

        await screenshot(page, `assets-${version}`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
