// A phone holding more documents than one read of its summaries (the app reads them in
// slices of 400 at unlock, each in its own task): during the first sync (on a 3G-like
// link) the list grows as pages arrive and never claims to be empty; after a reload and
// an offline unlock, every contact the first sync brought is listed again. The demo
// fills the server (4 teams; the worker's team has ~650 documents).
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, dumpStorage, fillDemo, launchBrowser, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
  unlock,
} from './helpers.mjs';

const WORKER = 'giulia.bg';

/** The contact count in the list's heading. */
async function contactCount(page) {
  return Number(await page.getByTestId('contact-count').innerText());
}

test('after an offline unlock a device with ~650 documents lists every contact again', async () => {
  const data = tempDir('strada-e2e-large-');
  const accounts = fillDemo(data, ['--seed', '2', '--contacts', '1500']);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    // A slow link, so the first sync takes several pages' time.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 94_000,
    });
    // Watch the page from before the sign-in: does the list ever say "none" while the
    // first sync runs, and do rows show before it ends?
    await page.evaluate(() => {
      window.__sawNone = false;
      window.__rowsDuringSync = false;
      new MutationObserver(() => {
        const syncing = !!document.querySelector('[data-testid="sync-progress"]');
        if (document.body.innerText.includes('Nessun contatto registrato')) window.__sawNone = true;
        if (syncing && document.querySelector('[data-testid="contact-row"]')) window.__rowsDuringSync = true;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await signIn(page, WORKER, accounts[WORKER].password);
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="last-sync"]');
      return s && Number(s.dataset.ms) > 0;
    }, null, { timeout: 120000 });
    assert.equal(await page.evaluate(() => window.__sawNone), false, 'never "no contacts" while they arrive');
    assert.equal(await page.evaluate(() => window.__rowsDuringSync), true, 'rows show as pages arrive');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
    const { stores } = await dumpStorage(page);
    const count = (name) => stores.find((s) => s.db === 'strada' && s.store === name).count;
    const docs = count('docs');
    assert.ok(docs > 400, `more than one slice of summaries: ${docs} documents`);
    assert.equal(count('index'), docs, 'one summary per document');
    // The lists are rebuilt a few tasks after the sync ends: wait until the count holds.
    let before = -1;
    for (let same = 0; same < 3; await page.waitForTimeout(300)) {
      const n = await contactCount(page);
      same = n > 0 && n === before ? same + 1 : 0;
      before = n;
    }

    // Offline, reloaded from the service worker: locked; the password opens it.
    await context.setOffline(true);
    await page.reload();
    await unlock(page, accounts[WORKER].password);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="contact-count"]')?.innerText) === n,
      before,
      { timeout: 20000 },
    );
    assert.equal(await contactCount(page), before);
    // Rows are drawn a few per browser task: all of the first page arrive.
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="contact-row"]').length === n,
      Math.min(50, before),
      { timeout: 10000 },
    );
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
