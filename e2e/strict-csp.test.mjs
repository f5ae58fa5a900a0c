// Browser tests of examples/strict-csp: the page runs under `Content-Security-Policy:
// default-src 'self'` with no nonce and no unsafe-inline, on both Dropzone.js releases (/ is
// 6.3.5, /v5 is 5.9.3). The page must report zero CSP violations (securitypolicyviolation
// events and console errors) while an upload works and lands byte-identical.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  launchBrowser, listFiles, makePng, readFile, screenshot, sha256, startExample, watchPage,
} from './harness.mjs';

const PAGES = [
  { version: '6.3.5', path: '/' },
  { version: '5.9.3', path: '/v5' },
];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const { version, path: pagePath } of PAGES) {
  describe(`strict-csp example on Dropzone.js ${version}`, () => {
    let server;
    let context;
    let page;
    let problems;
    let consoleAll;

    beforeEach(async () => {
      server = await startExample('example-strict-csp');
      context = await browser.newContext();
      page = await context.newPage();
      problems = watchPage(page);
      consoleAll = [];
      page.on('console', (m) => consoleAll.push(`${m.type()}: ${m.text()}`));
      // Record violations from the very first script on.
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });
      });
    });

    afterEach(async () => {
      await context?.close();
      await server?.stop();
    });

    test('the page is served with the policy and has no inline script or style', async () => {
      const response = await page.goto(server.url + pagePath, { waitUntil: 'load' });
      assert.equal(response.headers()['content-security-policy'], "default-src 'self'");
      // The markup as served (Dropzone later sets styles through the CSSOM, which CSP allows).
      const html = await response.text();
      const inlineScripts = [...html.matchAll(/<script\b[^>]*>/gi)].filter((m) => !/\ssrc=/i.test(m[0]));
      assert.deepEqual(inlineScripts.map((m) => m[0]), []);
      assert.doesNotMatch(html, /<style\b/i);
      assert.doesNotMatch(html, /\sstyle=/i);
      assert.doesNotMatch(html, /\son[a-z]+=/i);
    });

    test('the zone starts and an upload works with zero CSP violations', async () => {
      await page.goto(server.url + pagePath, { waitUntil: 'load' });
      await page.waitForSelector('.dropzone .dz-message');
      assert.equal(await page.evaluate(() => window.Dropzone?.version), version);
      assert.equal(await page.evaluate(() => !!document.querySelector('.dropzone').dropzone), true);
      const border = await page.$eval('.dropzone', (el) => getComputedStyle(el).borderTopStyle);
      assert.equal(border, 'dashed', 'the stylesheet applied');

      const png = makePng(180, 90, { seed: 7 });
      const response = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload',
      );
      await page.setInputFiles('.dz-hidden-input', { name: 'photo.png', mimeType: 'image/png', buffer: png });
      assert.equal((await response).status(), 200);
      await page.waitForSelector('.dz-preview.dz-success', { timeout: 10_000 });
      // Dropzone's preview animations and a refused file's message still add no violation.
      await page.setInputFiles('.dz-hidden-input', {
        name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('text'),
      });
      await page.waitForSelector('.dz-preview.dz-error', { timeout: 10_000 });
      await page.waitForTimeout(500);
      await screenshot(page, `strict-csp-${version}-upload`);

      const stored = await listFiles(server.uploadDir);
      assert.equal(stored.length, 1, stored.join(', '));
      assert.equal(sha256(await readFile(path.join(server.uploadDir, stored[0]))), sha256(png));
      assert.deepEqual(await page.evaluate(() => window.__violations), []);
      const cspConsole = consoleAll.filter((l) => /content security policy|refused to/i.test(l));
      assert.deepEqual(cspConsole, []);
      assert.deepEqual(problems, []);
    });
  });
}
