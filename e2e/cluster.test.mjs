// Browser tests of examples/cluster (issue 10, item 6): two instances on two ports over one
// upload folder. The test plays the load balancer: the page's chunk requests go alternately
// to both instances (Playwright rewrites each request's URL). Mid-upload, after it has taken
// some of the file's chunks, one instance is killed with SIGKILL (by its pid); the chunk then
// on its way to it fails, Dropzone.js retries it, the retry goes to the surviving instance,
// which completes the file with the chunks the dead one had stored. The stored file's sha256
// must be the sent file's. On both Dropzone.js releases.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, readFile, sha256, startExample,
} from './harness.mjs';
import { uploadAcrossTwo } from './cluster-helpers.mjs';

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
      const { data, problems } = await uploadAcrossTwo({
        page, a, b, pagePath, version, label: 'cluster', timeout: 60_000,
      });
      const stored = (await listFiles(shared)).filter((f) => !f.startsWith('.'));
      assert.equal(stored.length, 1, `stored: ${stored.join(', ')}`);
      assert.equal(sha256(await readFile(path.join(shared, stored[0]))), sha256(data));
      assert.match(a.output(), /instance a: saved "big.bin"/);
      assert.deepEqual(problems, []);
    });
  });
}
