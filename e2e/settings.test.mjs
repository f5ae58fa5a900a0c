// examples/basic configured from the environment (dropzone_runtime::settings): DROPZONE_STORAGE
// wins over UPLOAD_DIR, and a bad DROPZONE_* value stops the server at start-up with a message
// that names the variable and the value, before it listens. No browser needed: the upload is
// posted as Dropzone.js would post it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN_DIR, listFiles, makePng, postMultipart, readFile, sha256, startExample } from './harness.mjs';

test('DROPZONE_STORAGE wins over UPLOAD_DIR', async () => {
  const storage = await mkdtemp(path.join(os.tmpdir(), 'dropzone-e2e-settings-'));
  const server = await startExample('example-basic', { env: { DROPZONE_STORAGE: storage } });
  try {
    assert.match(server.output(), new RegExp(`saving to ${storage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const png = makePng(64, 64, { seed: 5 });
    const r = await postMultipart(`${server.url}/upload`, {
      filename: 'photo.png', contentType: 'image/png', bytes: png,
    });
    assert.equal(r.status, 200, r.body);
    const stored = await listFiles(storage);
    assert.equal(stored.length, 1, stored.join(', '));
    assert.equal(sha256(await readFile(path.join(storage, stored[0]))), sha256(png));
    assert.deepEqual(await listFiles(server.uploadDir), [], 'nothing in UPLOAD_DIR');
  } finally {
    await server.stop();
    await rm(storage, { recursive: true, force: true });
  }
});

test('bad DROPZONE_* values stop the server, each named with its value', () => {
  const dir = os.tmpdir();
  const run = spawnSync(path.join(BIN_DIR, 'example-basic'), [], {
    cwd: dir,
    env: {
      ...process.env,
      ADDR: '127.0.0.1:0',
      UPLOAD_DIR: path.join(dir, 'never-created'),
      DROPZONE_STORAGE: 'gs://bucket/prefix',
      DROPZONE_CHUNK_EXPIRY: 'soon',
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(run.status, 2, `exit ${run.status} ${run.signal}\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /DROPZONE_STORAGE="gs:\/\/bucket\/prefix": gs:\/\/ object storage is not supported; S3-compatible stores are reached with s3:\/\//);
  assert.match(run.stderr, /DROPZONE_CHUNK_EXPIRY="soon": expected a duration/);
  assert.doesNotMatch(run.stdout, /listening/);
});

test('a port in use stops the server with a message that names it and ADDR', async () => {
  const net = await import('node:net');
  const blocker = net.createServer();
  await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address();
  try {
    const run = spawnSync(path.join(BIN_DIR, 'example-basic'), [], {
      cwd: os.tmpdir(),
      env: { ...process.env, ADDR: `127.0.0.1:${port}`, UPLOAD_DIR: path.join(os.tmpdir(), 'dropzone-e2e-port') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1, `exit ${run.status} ${run.signal}\n${run.stderr}`);
    assert.match(run.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: Address already in use.*ADDR=`));
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
    await rm(path.join(os.tmpdir(), 'dropzone-e2e-port'), { recursive: true, force: true });
  }
});
