// A minimal S3 client for the browser tests' own checks of the bucket (GET an object, list
// objects and unfinished multipart uploads under a prefix), independent of the Rust code
// under test: Signature Version 4 over node's crypto and fetch, path-style addressing, for
// the Garage cluster of scripts/object-store.sh (AWS_ENDPOINT, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION). No SDK: it would be a large dependency for three calls.

import { createHash, createHmac } from 'node:crypto';

const hash = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

// RFC 3986 encoding as SigV4 wants it (`/` kept in paths).
const encode = (text, keepSlash) => encodeURIComponent(text)
  .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  .replace(/%2F/g, keepSlash ? '/' : '%2F');

/** `DROPZONE_STORAGE=s3://bucket/prefix` and the AWS_* variables, or null when unset. */
export function s3FromEnv(env = process.env) {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(env.DROPZONE_STORAGE ?? '');
  if (!m || !env.AWS_ENDPOINT) return null;
  return {
    endpoint: env.AWS_ENDPOINT.replace(/\/$/, ''),
    bucket: m[1],
    prefix: m[2].replace(/\/$/, ''),
    key: env.AWS_ACCESS_KEY_ID,
    secret: env.AWS_SECRET_ACCESS_KEY,
    region: env.AWS_REGION ?? 'us-east-1',
  };
}

/** A signed GET of `key` (query: [name, value] pairs); resolves to the fetch Response. */
export async function s3Get(s3, key, query = []) {
  const url = new URL(s3.endpoint);
  const path = `/${s3.bucket}/${encode(key, true)}`.replace(/\/$/, key ? '' : '/');
  const canonicalQuery = [...query]
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = now.slice(0, 8);
  const payload = hash('');
  const headers = { host: url.host, 'x-amz-content-sha256': payload, 'x-amz-date': now };
  const names = Object.keys(headers).sort();
  const canonical = [
    'GET', path, canonicalQuery,
    names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), payload,
  ].join('\n');
  const scope = `${day}/${s3.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', now, scope, hash(canonical)].join('\n');
  let signing = hmac(`AWS4${s3.secret}`, day);
  for (const part of [s3.region, 's3', 'aws4_request']) signing = hmac(signing, part);
  const signature = createHmac('sha256', signing).update(toSign).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${s3.key}/${scope}, `
    + `SignedHeaders=${names.join(';')}, Signature=${signature}`;
  const target = `${url.origin}${path}${canonicalQuery ? `?${canonicalQuery}` : ''}`;
  const { host, ...sent } = headers;
  return fetch(target, { headers: { ...sent, authorization } });
}

/** The bytes of object `key`. */
export async function s3Object(s3, key) {
  const res = await s3Get(s3, key);
  if (!res.ok) throw new Error(`GET ${key}: ${res.status} ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Keys of the objects under `prefix` (first 1000). */
export async function s3Keys(s3, prefix) {
  const res = await s3Get(s3, '', [['list-type', '2'], ['prefix', prefix]]);
  const xml = await res.text();
  if (!res.ok) throw new Error(`list ${prefix}: ${res.status} ${xml}`);
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
}

/** Keys of the unfinished multipart uploads under `prefix`. */
export async function s3PendingUploads(s3, prefix) {
  const res = await s3Get(s3, '', [['uploads', ''], ['prefix', prefix]]);
  const xml = await res.text();
  if (!res.ok) throw new Error(`uploads ${prefix}: ${res.status} ${xml}`);
  return [...xml.matchAll(/<Upload>[\s\S]*?<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
}
