// XSS: examples/xss renders zones whose every text is a hostile string (closing the script,
// leaving an attribute, HTML comments, template-literal `${}`, U+2028/U+2029), on Dropzone.js
// 6.3.5 (/), 5.9.3 (/v5) and in strict CSP mode (/strict). No injected code may run
// (window.__pwned stays undefined) and each text shows literally where Dropzone shows it.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { launchBrowser, listFiles, makePng, screenshot, startExample, watchPage } from './harness.mjs';

const PAGES = [
  { name: '6.3.5', path: '/', version: '6.3.5' },
  { name: '5.9.3', path: '/v5', version: '5.9.3' },
  { name: 'strict', path: '/strict', version: '6.3.5' },
];

// The texts as the fixture declares them (examples/xss/src/main.rs).
const DM = 'DM </script><script>window.__pwned=1</script> "><img src=x onerror=window.__pwned=2> `${window.__pwned=3}` \u2028\u2029 <!-- <script>';
const IT = 'IT </script><script>window.__pwned=4</script> "><img src=x onerror=window.__pwned=5> `${window.__pwned=6}` \u2028 <!--';
const MX = 'MX <svg onload=window.__pwned=11> 1 `${window.__pwned=12}` \u2028';
const RF = 'RF <img src=x onerror=window.__pwned=14> </script> \u2029';
const SA = 'SA </script><img src=x onerror=window.__pwned=20> `${window.__pwned=21}`';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { name, path: pagePath, version } of PAGES) {
  describe(`hostile texts on ${name}`, () => {
    let server;
    let context;
    let page;
    let problems;

    beforeEach(async () => {
      server = await startExample('example-xss');
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

    const previewError = async (file) => {
      const preview = page.locator('.dz-preview.dz-error', { hasText: file });
      await preview.waitFor({ timeout: 10_000 });
      return preview.locator('.dz-error-message').textContent();
    };

    test('no injected code runs and every text shows literally', async () => {
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
      assert.equal(await page.evaluate(() => !!document.querySelector('.dropzone').dropzone), true);

      await page.waitForTimeout(300); // let an injected <img onerror> fire, if there is one
      assert.equal(await page.evaluate(() => window.__pwned), undefined, 'injected code ran on load');

      // The default message, a text Dropzone inserts as HTML.
      assert.equal(await page.textContent('.dz-message'), DM);

      // Invalid type, checked in the browser.
      await page.setInputFiles('.dz-hidden-input', {
        name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('text'),
      });
      assert.equal(await previewError('notes.txt'), IT);

      // An image goes to the server, which answers 500 with a hostile body.
      const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/upload');
      await page.setInputFiles('.dz-hidden-input', {
        name: 'a.png', mimeType: 'image/png', buffer: makePng(40, 40),
      });
      assert.equal((await response).status(), 500);
      assert.equal(await previewError('a.png'), SA);

      // max_files = 1: one more file exceeds it.
      await page.setInputFiles('.dz-hidden-input', {
        name: 'b.png', mimeType: 'image/png', buffer: makePng(40, 40, { seed: 3 }),
      });
      assert.equal(await previewError('b.png'), MX);

      // The remove link, another text Dropzone inserts as HTML.
      const links = await page.$$eval('.dz-remove', (els) => els.map((e) => e.textContent));
      assert.ok(links.length >= 1, 'remove links are shown');
      for (const link of links) assert.equal(link, RF);

      await page.waitForTimeout(500);
      await screenshot(page, `xss-${name}`);
      const pwned = await page.evaluate(() => window.__pwned);
      assert.equal(pwned, undefined, `injected code ran: window.__pwned = ${pwned}`);
      assert.equal(await page.$$eval('img[src=x], svg[onload]', (e) => e.length), 0, 'no injected element');
      assert.deepEqual(await listFiles(server.uploadDir), []);
      assert.deepEqual(problems, []);
    });
  });
}
