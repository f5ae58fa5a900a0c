// The browser side shared by the two-instance tests (cluster.test.mjs over one folder,
// cluster-s3.test.mjs over one bucket): one file's chunks alternate between instances a and b,
// and b is killed mid-upload.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { screenshot, watchPage } from './harness.mjs';

const MiB = 1024 * 1024;
/** The example's chunk size. */
export const CHUNK = MiB;
/** Chunk requests routed before instance b is killed. */
const KILL_AFTER = 5;

/**
 * Sends a 9 MiB file through the page of `a`, routing every other upload request to `b` until
 * b is killed (SIGKILL, by its pid) with a chunk on its way to it: that request fails,
 * Dropzone.js retries it, and the retry goes to a. Checks that chunks went to both and that
 * the cut one was retried; resolves with the file's bytes, the requests as
 * `[instance, chunk index]` and the page problems other than the expected failed request.
 */
export async function uploadAcrossTwo({ page, a, b, pagePath, version, label, timeout }) {
  const routed = [];
  let bAlive = true;
  await page.route('**/upload', async (route) => {
    const target = bAlive && routed.length % 2 === 1 ? 'b' : 'a';
    const body = route.request().postDataBuffer();
    const m = body ? /name="dzchunkindex"\r\n\r\n(\d+)/.exec(body.toString('latin1')) : null;
    routed.push([target, m ? Number(m[1]) : null]);
    const base = target === 'b' ? b.url : a.url;
    if (target === 'b' && routed.length >= KILL_AFTER) {
      bAlive = false;
      process.kill(b.pid, 'SIGKILL');
      await b.exited();
    }
    await route.continue({ url: `${base}/upload` });
  });
  const problems = watchPage(page);
  await page.goto(a.url + pagePath, { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => window.Dropzone?.version), version);

  const data = randomBytes(9 * MiB + 777);
  const chunks = Math.ceil(data.length / CHUNK);
  await page.setInputFiles('.dz-hidden-input', {
    name: 'big.bin', mimeType: 'application/octet-stream', buffer: data,
  });
  await page.waitForSelector('.dz-preview.dz-success', { timeout });
  await screenshot(page, `${label}-${version}-success`);

  console.log(`${label} ${version}: requests [instance, chunk]: ${JSON.stringify(routed)}`);
  assert.ok(routed.filter(([t]) => t === 'b').length >= 2, `chunks went to both instances: ${JSON.stringify(routed)}`);
  assert.ok(routed.length > chunks, `the chunk cut by the kill was retried: ${JSON.stringify(routed)}`);
  // The request to the killed instance fails (`requestfailed`); nothing else may.
  return { data, routed, problems: problems.filter((p) => !p.startsWith('requestfailed')) };
}
