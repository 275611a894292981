// A phone holding more documents than one read of its summaries (the app reads them in
// slices of 400 at unlock, each in its own task): after a reload and an offline unlock,
// every contact the first sync brought is listed again. The demo fills the
// server (4 teams; the worker's team has ~650 documents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dumpStorage, fillDemo, launchBrowser, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
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
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await signIn(page, WORKER, accounts[WORKER].password);
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="last-sync"]');
      return s && Number(s.dataset.ms) > 0;
    }, null, { timeout: 120000 });
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
    assert.equal(await page.getByTestId('contact-row').count(), Math.min(50, before));
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
