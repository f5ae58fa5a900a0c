// Resume after reload (issue 10, item 3), on both Dropzone.js releases with
// examples/large-file (1 MiB chunks, parallel): a 12-chunk file starts uploading; the first
// three chunk requests go through, the others are held back (never reach the server) and the
// page is reloaded mid-upload. The same file (same name, size, lastModified: a file on disk)
// is added again: the page asks the server which chunks it holds, sends exactly the missing
// ones, and the stored file has the right sha256.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const LET_THROUGH = 3;

const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

// Records the FormData fields of every XHR (files as name + size), per page load.
function recordXhrs() {
  window.__sent = [];
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function patchedSend(body) {
    if (body instanceof FormData) {
      window.__sent.push(Object.fromEntries([...body.entries()].map(([k, v]) => (
        typeof v === 'string' ? [k, v] : [k, { name: v.name, size: v.size }]))));
    }
    return send.call(this, body);
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (at most `ms`) until it returns a truthy value. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Files stored in `dir` (not the hidden bookkeeping: `.chunks/`, `.meta/`). */
async function storedFiles(dir) {
  return (await listFiles(dir)).filter((f) => !f.startsWith('.'));
}

let browser;
let fileDir;
before(async () => {
  browser = await launchBrowser();
  fileDir = await mkdtemp(path.join(os.tmpdir(), 'dropzone-e2e-resume-'));
});
after(async () => {
  await browser?.close();
  if (fileDir) await rm(fileDir, { recursive: true, force: true });
});

for (const { version, path: pagePath } of PAGES) {
  describe(`resume after reload on Dropzone.js ${version}`, () => {
    let server;
    let context;
    let page;

    beforeEach(async () => {
      server = await startExample('example-large-file');
      context = await browser.newContext();
      page = await context.newPage();
      await page.addInitScript(recordXhrs);
    });

    afterEach(async () => {
      await context?.close();
      await server?.stop();
    });

    test('a reload mid-upload, then the same file again: only the missing chunks are sent', async () => {
      const data = randomBytes(11 * MiB + 4_321);
      const chunks = Math.ceil(data.length / CHUNK);
      const file = path.join(fileDir, `big-${version}.bin`);
      await writeFile(file, data);

      // The first LET_THROUGH upload requests reach the server; the rest wait here until the
      // reload drops them.
      // The reload is a navigation to `?reloaded`: a request tells by its Referer which page
      // load sent it, however late it is routed.
      let passed = 0;
      let held = 0;
      await page.route('**/upload', async (route) => {
        const referer = (await route.request().headerValue('referer')) ?? '';
        if (referer.includes('?reloaded') || passed < LET_THROUGH) {
          passed += 1;
          await route.continue();
        } else {
          held += 1; // never answered: the reload aborts it
        }
      });
      await page.goto(server.url + pagePath, { waitUntil: 'load' });
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
      await page.setInputFiles('.dz-hidden-input', file);
      await until(async () => {
        const progress = await page.evaluate(() => window.__sent.length);
        return progress >= LET_THROUGH + 1 && held >= 1;
      }, 30_000, 'chunks to be sent and held');
      // The let-through chunks are acknowledged before the reload (their answers are in).
      const first = await page.evaluate(() => window.__sent);
      const uuid = first[0].dzuuid;
      assert.ok(uuid, 'the first chunk carried a dzuuid');
      // The upload's chunk map on the server: one byte per chunk, 2 once received.
      const map = path.join(server.uploadDir, '.chunks', uuid, 'map');
      const onServer = await until(async () => {
        const bytes = await readFile(map).catch(() => Buffer.alloc(0));
        const received = [...bytes.keys()].filter((i) => bytes[i] === 2);
        return received.length === LET_THROUGH ? new Set(received) : null;
      }, 10_000, 'the let-through chunks to be received');

      // Still routed: a held request is never let through, the reload drops it.
      await page.goto(`${server.url}${pagePath}?reloaded`, { waitUntil: 'load' });
      const problems = watchPage(page);
      assert.equal(
        await page.evaluate((k) => Object.keys(localStorage).filter((x) => x.startsWith(k)).length,
          'dropzone-rs:resume:'),
        1,
        'the unfinished upload is remembered',
      );
      await page.setInputFiles('.dz-hidden-input', file);
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 60_000 });
      await screenshot(page, `resume-${version}-success`);

      const sent = await page.evaluate(() => window.__sent);
      const query = sent.filter((f) => f.dzresume === '1');
      assert.equal(query.length, 1, 'one resume query');
      assert.deepEqual(
        [query[0].dzuuid, query[0].dztotalfilesize, query[0].dzchunksize, query[0].dztotalchunkcount,
          query[0].dzfilename],
        [uuid, String(data.length), String(CHUNK), String(chunks), path.basename(file)],
      );
      const resent = sent.filter((f) => f.dzchunkindex !== undefined);
      assert.ok(resent.every((f) => f.dzuuid === uuid), 'the remembered upload id is used');
      const resentIndexes = resent.map((f) => Number(f.dzchunkindex)).sort((a, b) => a - b);
      assert.equal(new Set(resentIndexes).size, resentIndexes.length, 'no chunk sent twice');
      assert.equal(resentIndexes.length, chunks - LET_THROUGH,
        `only the missing chunks: sent ${resentIndexes.join(',')}`);
      // The ones the server had before the reload are exactly the ones not sent again.
      for (const i of resentIndexes) assert.ok(!onServer.has(i), `chunk ${i} was already there`);

      const stored = await storedFiles(server.uploadDir);
      assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
      assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(data));
      assert.equal(
        await page.evaluate((k) => Object.keys(localStorage).filter((x) => x.startsWith(k)).length,
          'dropzone-rs:resume:'),
        0,
        'forgotten once stored',
      );
      assert.deepEqual(problems, []);
    });
  });
}
