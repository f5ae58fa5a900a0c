// Browser tests of examples/cluster (issue 10, item 6): two instances on two ports over one
// upload folder. The test plays the load balancer: the page's chunk requests go alternately
// to both instances (Playwright rewrites each request's URL). Mid-upload, after it has taken
// some of the file's chunks, one instance is killed with SIGKILL (by its pid); the chunk then
// on its way to it fails, Dropzone.js retries it, the retry goes to the surviving instance,
// which completes the file with the chunks the dead one had stored. The stored file's sha256
// must be the sent file's. On both Dropzone.js releases.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const KILL_AFTER = 5; // chunk requests routed before instance b is killed

const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, path: pagePath } of PAGES) {
  describe(`cluster example on Dropzone.js ${version}`, () => {
    let shared;
    let a;
    let b;
    let context;
    let page;

    beforeEach(async () => {
      shared = await mkdtemp(path.join(os.tmpdir(), 'dropzone-e2e-cluster-'));
      a = await startExample('example-cluster', { env: { UPLOAD_DIR: shared, INSTANCE: 'a' } });
      b = await startExample('example-cluster', { env: { UPLOAD_DIR: shared, INSTANCE: 'b' } });
      context = await browser.newContext();
      page = await context.newPage();
    });

    afterEach(async () => {
      await context?.close();
      await a?.stop();
      await b?.stop();
      if (shared) await rm(shared, { recursive: true, force: true });
    });

    test('chunks alternate between two instances, one is killed mid-upload, the file lands whole', async () => {
      const routed = []; // [instance, chunk index or null] per upload request
      let bAlive = true;
      await page.route('**/upload', async (route) => {
        const target = bAlive && routed.length % 2 === 1 ? 'b' : 'a';
        const body = route.request().postDataBuffer();
        const m = body ? /name="dzchunkindex"\r\n\r\n(\d+)/.exec(body.toString('latin1')) : null;
        routed.push([target, m ? Number(m[1]) : null]);
        const base = target === 'b' ? b.url : a.url;
        if (target === 'b' && routed.length >= KILL_AFTER) {
          // Killed (by its pid, SIGKILL: no goodbye) with this chunk on its way to it: the
          // request fails, Dropzone.js retries it, and the retry goes to the other instance.
          bAlive = false;
          process.kill(b.pid, 'SIGKILL');
          await b.exited();
        }
        await route.continue({ url: `${base}/upload` });
      });
      // The request to the killed instance fails (`requestfailed`, allowed below).
      const problems = watchPage(page);
      await page.goto(a.url + pagePath, { waitUntil: 'load' });
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);

      const data = randomBytes(9 * MiB + 777);
      const chunks = Math.ceil(data.length / CHUNK);
      await page.setInputFiles('.dz-hidden-input', {
        name: 'big.bin', mimeType: 'application/octet-stream', buffer: data,
      });
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 60_000 });
      await screenshot(page, `cluster-${version}-success`);

      console.log(`cluster ${version}: requests [instance, chunk]: ${JSON.stringify(routed)}`);
      const toB = routed.filter(([t]) => t === 'b').length;
      assert.ok(toB >= 2, `chunks went to both instances: ${JSON.stringify(routed)}`);
      assert.ok(routed.length > chunks, `the chunk cut by the kill was retried: ${JSON.stringify(routed)}`);
      const stored = (await listFiles(shared)).filter((f) => !f.startsWith('.'));
      assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
      assert.equal(sha256(await readFile(path.join(shared, stored[0]))), sha256(data));
      assert.match(a.output(), /instance a: saved "big.bin"/);
      const failed = problems.filter((p) => !p.startsWith('requestfailed'));
      assert.deepEqual(failed, []);
    });
  });
}
