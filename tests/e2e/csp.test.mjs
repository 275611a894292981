// The app runs under the server's strict Content-Security-Policy (issue 9): the inline
// scripts and styles of index.html are allowed by their hashes only, WASM by
// 'wasm-unsafe-eval' only. Signing in, logging a contact, syncing, the live stream, the
// service worker and a reload from it raise no CSP violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addUser, launchBrowser, logContact, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-csp-pw-1';

test('the app raises no Content-Security-Policy violation', async () => {
  const data = tempDir('strada-e2e-csp-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    // Registered by the browser driver (outside the page's policy), before any page script.
    await context.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

    const res = await page.goto(server.url + '/');
    const csp = res.headers()['content-security-policy'];
    assert.ok(csp, 'the page carries a policy');
    assert.match(csp, /script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+ 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers()['cross-origin-opener-policy'], 'same-origin');

    await signIn(page, 'marta', PW);
    await logContact(page, 'Ama sintetica', ['food'], 'Nota sintetica CSP');
    await page.locator('[data-testid="contact-row"][data-status="synced"]')
      .filter({ hasText: 'Ama sintetica' }).waitFor({ timeout: 20000 });
    // The inline registration script ran: a service worker controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
    // Reloaded from the service worker's cache: the same policy, still no violation.
    await page.reload();
    await page.getByTestId('unlock-form').waitFor({ timeout: 20000 });

    const violations = await page.evaluate(() => window.__csp);
    assert.deepEqual(violations, [], `CSP violations: ${violations.join('; ')}`);
    const cspErrors = consoleErrors.filter((t) => /Content Security Policy/i.test(t));
    assert.deepEqual(cspErrors, []);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
