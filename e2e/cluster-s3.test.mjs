// Browser test of examples/cluster over one bucket (issue 10, item 6): two instances on two
// ports with DROPZONE_STORAGE=s3://… (the Garage cluster of scripts/object-store.sh, whose
// variables scripts/test.sh sets for this file only). As in cluster.test.mjs the test plays
// the load balancer, sending the page's chunk requests alternately to both instances, and
// kills one by its pid (SIGKILL) mid-upload; the retry of the chunk cut by the kill goes to
// the survivor, which completes the file from the parts in the bucket. The object's sha256 is
// read from the bucket by the test's own S3 client (e2e/s3.mjs), and no unfinished multipart
// upload is left. On both Dropzone.js releases, with each 1 MiB chunk sent as one part and as
// two 512 KiB parts side by side (S3Config::chunk_split, from DROPZONE_S3_PART_SIZE).
//
// Without DROPZONE_STORAGE=s3://… it is skipped (and says so), unless DZRS_REQUIRE_S3 is set.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { launchBrowser, sha256, startExample } from './harness.mjs';
import { uploadAcrossTwo } from './cluster-helpers.mjs';
import { s3FromEnv, s3Keys, s3Object, s3PendingUploads } from './s3.mjs';


const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

const bucket = s3FromEnv();
if (!bucket && process.env.DZRS_REQUIRE_S3) {
  throw new Error('DZRS_REQUIRE_S3 is set but DROPZONE_STORAGE is not an s3:// location');
}
const skip = bucket ? false : 'DROPZONE_STORAGE is not s3://…; run `eval "$(bash scripts/object-store.sh up)"` first';

let browser;
before(async () => { if (bucket) browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// The part size a chunk is split by: 5 MiB (the default, above the chunk: one part per chunk)
// or 512 KiB (two parts per chunk).
const SPLITS = [
  { parts: 1, sizes: { DROPZONE_S3_MIN_PART_SIZE: '1MiB' } },
  { parts: 2, sizes: { DROPZONE_S3_MIN_PART_SIZE: '512KiB', DROPZONE_S3_PART_SIZE: '512KiB' } },
];

for (const { version, path: pagePath } of PAGES) for (const { parts, sizes } of SPLITS) {
  describe(`cluster example over one bucket on Dropzone.js ${version}, ${parts} part(s) a chunk`, { skip }, () => {
    let prefix;
    let a;
    let b;
    let context;
    let page;

    beforeEach(async () => {
      prefix = `${bucket.prefix ? `${bucket.prefix}/` : ''}e2e-cluster-${randomUUID()}`;
      // Garage takes parts under AWS's 5 MiB minimum; the example's 1 MiB chunks need that
      // said through the configuration (check_zone refuses them otherwise).
      const env = { DROPZONE_STORAGE: `s3://${bucket.bucket}/${prefix}`, ...sizes };
      a = await startExample('example-cluster', { env: { ...env, INSTANCE: 'a' } });
      b = await startExample('example-cluster', { env: { ...env, INSTANCE: 'b' } });
      context = await browser.newContext();
      page = await context.newPage();
    });

    afterEach(async () => {
      await context?.close();
      await a?.stop();
      await b?.stop();
    });

    test('chunks alternate between two instances, one is killed mid-upload, the object lands whole', async () => {
      const { data, problems } = await uploadAcrossTwo({
        page, a, b, pagePath, version, label: 'cluster-s3', timeout: 90_000,
      });
      const saved = /instance a: saved "big.bin" \(\d+ bytes\) as (\S+)/.exec(a.output());
      assert.ok(saved, a.output());
      const stored = saved[1];
      // The bucket holds the file and its metadata sidecar, nothing else: no hidden assembled
      // object, no claim flag, no unfinished multipart upload.
      const keys = await s3Keys(bucket, `${prefix}/`);
      assert.deepEqual(keys.sort(), [`${prefix}/${stored}`, `${prefix}/.meta/${stored}.json`].sort());
      assert.equal(sha256(await s3Object(bucket, `${prefix}/${stored}`)), sha256(data));
      assert.deepEqual(await s3PendingUploads(bucket, `${prefix}/`), []);
      assert.deepEqual(problems, []);
    });
  });
}
