// Browser tests of examples/multiple-dropzone, on both Dropzone.js releases: two zones, foo and
// bar, each with its own id, message, style and upload route, and the shared route that tells
// them apart by the X-Dropzone-Zone header.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { launchBrowser, makePng, screenshot } from './harness.mjs';
import {
  VERSIONS, addFiles, assertStored, openExample, pagePath, waitForPreviews,
} from './modes-helpers.mjs';

const png = (name, seed) => ({ name, mimeType: 'image/png', buffer: makePng(160, 120, { seed }) });

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ROUTES = [
  { kind: 'own routes', page: '/', foo: '/upload/foo', bar: '/upload/bar' },
  { kind: 'shared route', page: '/shared', foo: '/upload', bar: '/upload' },
  { kind: 'scripts in the head', page: '/head', foo: '/upload/foo', bar: '/upload/bar' },
];

for (const { version, prefix } of VERSIONS) {
  describe(`multiple-dropzone example on Dropzone.js ${version}`, () => {
    let ex;
    afterEach(async () => { await ex?.close(); ex = undefined; });

    test('each zone has its own id, message and style', async () => {
      ex = await openExample(browser, 'example-multiple-dropzone', pagePath(prefix, '/'));
      assert.equal(await ex.page.evaluate(() => window.Dropzone.version), version);
      const zones = await ex.page.$$eval('.dropzone', (els) => els.map((el) => ({
        id: el.id,
        message: el.querySelector('.dz-message').textContent.trim(),
        border: getComputedStyle(el).borderTopColor,
        started: Boolean(el.dropzone),
      })));
      assert.deepEqual(zones, [
        { id: 'foo', message: 'Dropzone Foo', border: 'rgb(0, 135, 247)', started: true },
        { id: 'bar', message: 'Dropzone Bar', border: 'rgb(247, 117, 0)', started: true },
      ]);
      await screenshot(ex.page, `multiple-dropzone-${version}-page`);
      assert.deepEqual(ex.problems, []);
    });

    for (const { kind, page, foo, bar } of ROUTES) {
      test(`${kind}: each zone's files land in its own folder`, async () => {
        ex = await openExample(browser, 'example-multiple-dropzone', pagePath(prefix, page));
        const fooFiles = [png('alpine-foo-one.png', 1), png('alpine-foo-two.png', 2)];
        const barFiles = [png('desert-bar-one.png', 3)];
        await addFiles(ex.page, 'foo', fooFiles);
        await addFiles(ex.page, 'bar', barFiles);
        await waitForPreviews(ex.page, 'foo', 'dz-success', 2);
        await waitForPreviews(ex.page, 'bar', 'dz-success', 1);
        await ex.page.waitForTimeout(1_000); // Dropzone's success animation, for the screenshot
        await screenshot(ex.page, `multiple-dropzone-${version}-${kind.replace(' ', '-')}`);

        const sent = ex.posts.map((r) => [new URL(r.url()).pathname, r.headers()['x-dropzone-zone']]).sort();
        assert.deepEqual(sent, [[bar, 'bar'], [foo, 'foo'], [foo, 'foo']].sort());
        await assertStored(ex.server, fooFiles, 'foo');
        await assertStored(ex.server, barFiles, 'bar');
        assert.deepEqual(ex.problems, []);
      });
    }

    for (const page of ['/', '/head']) {
      test(`${page}: one init script for both zones, each started once with its own data`, async () => {
        ex = await openExample(browser, 'example-multiple-dropzone', pagePath(prefix, page));
        const html = await (await fetch(ex.server.url + pagePath(prefix, page))).text();
        // The init code is on the page once, as a file; each zone adds only its data block.
        const inits = [...html.matchAll(/<script src="\/dropzone\/static\/dropzone-rs\/[^"]+\/init\.js" defer>/g)];
        assert.equal(inits.length, 1, html);
        const blocks = [...html.matchAll(/<script type="application\/json" data-dropzone-rs="(\w+)">/g)].map((m) => m[1]);
        assert.deepEqual(blocks, ['foo', 'bar']);
        assert.ok(html.indexOf(inits[0][0]) < html.indexOf('<form') === (page === '/head'), html);
        const zones = await ex.page.$$eval('.dropzone', (els) => els.map((el) => ({
          id: el.id,
          message: el.querySelector('.dz-message').textContent.trim(),
          url: el.dropzone.options.url,
          instances: window.Dropzone.instances.filter((d) => d.element === el).length,
        })));
        assert.deepEqual(zones, [
          { id: 'foo', message: 'Dropzone Foo', url: '/upload/foo', instances: 1 },
          { id: 'bar', message: 'Dropzone Bar', url: '/upload/bar', instances: 1 },
        ]);
        assert.deepEqual(ex.problems, []);
      });
    }

    test('a zone\'s own route refuses the other zone\'s uploads', async () => {
      ex = await openExample(browser, 'example-multiple-dropzone', pagePath(prefix, '/'));
      const answer = await ex.page.evaluate(async () => {
        const body = new FormData();
        body.append('file', new Blob(['\x89PNG'], { type: 'image/png' }), 'stray.png');
        const r = await fetch('/upload/foo', { method: 'POST', body, headers: { 'X-Dropzone-Zone': 'bar' } });
        return { status: r.status, text: await r.text() };
      });
      assert.deepEqual(answer, { status: 400, text: 'This upload was sent by another zone than `foo`.' });
      await assertStored(ex.server, [], 'foo');
      await assertStored(ex.server, [], 'bar');
    });
  });
}
