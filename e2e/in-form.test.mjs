// Browser tests of examples/in-form (in_form + upload_on_click, upload_btn_id = "submit"), on
// both Dropzone.js releases: one Submit click uploads the queue, then submits the form, and the
// form's page shows the text fields and the files uploaded from that page (upstream #14, #17,
// #34, #35).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  VERSIONS, addFiles, assertStored, openExample, pagePath, postsTo, sleep,
} from './modes-helpers.mjs';

const ZONE = 'photos';
const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, prefix } of VERSIONS) {
  describe(`in-form example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });
    const open = (allow) => openExample(browser, 'example-in-form', pagePath(prefix, '/'), { allow });
    const shot = (name) => screenshot(ex.page, `in-form-${version}-${name}`);

    test('the zone is a div with its id inside the form; files wait for Submit', async () => {
      ex = await open();
      assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
      const zone = await ex.page.evaluate((id) => {
        const el = document.getElementById(id);
        return { tag: el.tagName, inForm: el.closest('form')?.getAttribute('action') };
      }, ZONE);
      assert.deepEqual(zone, { tag: 'DIV', inForm: '/form' });
      await addFiles(ex.page, ZONE, [png('kite-waiting.png', 1)]);
      await sleep(1_500);
      assert.equal(ex.posts.length, 0, 'choosing a file neither uploads nor submits (upstream #34)');
      assert.equal(new URL(ex.page.url()).pathname, pagePath(prefix, '/'));
      assert.deepEqual(ex.problems, []);
    });

    test('one Submit uploads the files, then the form; /form shows fields and stored files', async () => {
      ex = await open();
      const files = [png('kite-red.png', 2), png('kite-blue.png', 3), png('kite-green.png', 4)];
      await ex.page.fill('#title', 'Beach day');
      await ex.page.fill('#description', 'Kites <b>over</b> the dunes & the sea');
      await addFiles(ex.page, ZONE, files);
      await shot('filled');
      await ex.page.click('#submit');
      await ex.page.waitForURL('**/form', { timeout: 15_000 });
      await shot('received');

      const uploads = postsTo(ex.posts, '/upload');
      assert.equal(uploads.length, 3);
      const token = new URL(uploads[0].url()).searchParams.get('batch');
      // <nonce>.<unix time>.<HMAC>, signed for this browser's `visitor` cookie.
      assert.match(token, /^[0-9a-f]{32}\.\d+\.[0-9a-f]{64}$/);
      for (const u of uploads) assert.equal(new URL(u.url()).searchParams.get('batch'), token);
      const form = postsTo(ex.posts, '/form');
      assert.equal(form.length, 1, 'the form is submitted once');
      const fields = new URLSearchParams(form[0].postData());
      assert.equal(fields.get('batch'), token);

      assert.equal(await ex.page.textContent('#title'), 'Beach day');
      assert.equal(await ex.page.textContent('#description'), 'Kites <b>over</b> the dunes & the sea');
      const listed = await ex.page.$$eval('#files li', (lis) => lis.map((li) => li.textContent));
      const stored = await assertStored(ex.server, files);
      assert.deepEqual([...listed].sort(), [...stored].sort());
      assert.deepEqual(ex.problems, []);
    });

    test('with an empty queue Submit sends the form at once; a spent or unknown token stores nothing', async () => {
      ex = await open((r) => r.status() === 400 && new URL(r.url()).pathname === '/upload');
      await ex.page.fill('#title', 'No pictures');
      await ex.page.fill('#description', 'Just words');
      await ex.page.click('#submit');
      await ex.page.waitForURL('**/form', { timeout: 10_000 });
      assert.equal(await ex.page.textContent('#title'), 'No pictures');
      assert.match(await ex.page.textContent('#no-files'), /No files/);
      assert.equal(postsTo(ex.posts, '/upload').length, 0);
      const token = new URLSearchParams(postsTo(ex.posts, '/form')[0].postData()).get('batch');

      // The form took its token: uploads with it, or with a made-up one, are refused unread.
      const statuses = await ex.page.evaluate(async (spent) => {
        const post = async (batch) => {
          const body = new FormData();
          body.append('file', new Blob(['\x89PNG'], { type: 'image/png' }), 'late.png');
          return (await fetch(`/upload?batch=${batch}`, { method: 'POST', body })).status;
        };
        return [await post(spent), await post('0123456789abcdef0123456789abcdef')];
      }, token);
      assert.deepEqual(statuses, [400, 400]);
      await assertStored(ex.server, []);
      assert.deepEqual(ex.problems, []);
    });
  });
}
