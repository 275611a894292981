// "Doppioni" after a merge (a new user's walk): a record in two pairs is merged with one
// of them; its other pair, still listed, now counts the contacts of both records at
// once, without "Aggiorna". The sort box, after "Azzera i filtri" and on another tab,
// shows the order the list is in.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  openDesk,
  apiGet, apiLogin, fillDemo, launchBrowser, removeDir, startServer, stopServer, tempDir,
} from './helpers.mjs';

test('a merge in "Doppioni" updates the survivor\'s other pairs; the sort box follows the list', async () => {
  const data = tempDir('strada-e2e-dup-after-merge-');
  // Seed 2: on the demo's fixed day (see `fillDemo`) a record is in two pairs there.
  const accounts = fillDemo(data, ['--seed', '2']);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const password = accounts.centrale.password;
    const token = await apiLogin(server.url, 'centrale', password);
    const found = await apiGet(server.url, token, '/api/persons/duplicates?limit=200');
    const pairs = found.items || found;
    // A record in two pairs: merged with the other record of the first, it survives.
    let first = null;
    let second = null;
    let shared = null;
    for (const p of pairs) {
      for (const q of pairs) {
        if (p === q) continue;
        for (const side of [p.a.id, p.b.id]) {
          if (!first && (q.a.id === side || q.b.id === side)) {
            const other = q.a.id === side ? q.b.id : q.a.id;
            const gone = p.a.id === side ? p.b.id : p.a.id;
            if (other !== gone) [first, second, shared] = [p, q, side];
          }
        }
      }
    }
    assert.ok(first, 'the demo has a record in two pairs');
    const gone = first.a.id === shared ? first.b : first.a;
    const kept = first.a.id === shared ? first.a : first.b;
    const both = kept.contacts + gone.contacts;

    const { context, page } = await openDesk(browser, server.url, 'centrale', password);
    await page.getByTestId('ws-tab-duplicates').click();
    const rowOf = (p) => page.locator(`[data-testid="dup-pair"][data-a="${p.a.id}"][data-b="${p.b.id}"]`);
    await rowOf(first).click();
    const review = page.getByTestId('dup-review');
    await review.getByTestId('dup-compare').waitFor({ timeout: 15000 });
    await review.getByTestId(first.a.id === shared ? 'dup-survivor-a' : 'dup-survivor-b').check();
    await review.getByTestId('dup-reason').fill('Stessa persona, confermato dalle due équipe.');
    await review.getByTestId('dup-merge').click();
    await review.getByTestId('dup-merge-confirm').click();
    await page.getByTestId('dup-notice').filter({ hasText: ' è unita a «' }).waitFor({ timeout: 15000 });
    // The other pair of the survivor: the contacts of both, without "Aggiorna".
    const survivorCell = rowOf(second).locator('td').nth(second.a.id === shared ? 0 : 1);
    await survivorCell.filter({ hasText: new RegExp(`(^|\\D)${both} contatti`) })
      .waitFor({ timeout: 15000 });

    // The sort box: "Meno recenti" chosen, then "Azzera i filtri": the list is newest
    // first again, and the box says so; on another tab, that tab's order.
    await page.getByTestId('ws-tab-contacts').click();
    await page.getByTestId('central-row').first().waitFor({ timeout: 15000 });
    await page.getByTestId('ws-sort').selectOption('oldest');
    await page.getByRole('button', { name: 'Azzera i filtri' }).click();
    await page.waitForFunction(() => document.querySelector('#ws-sort').value === 'newest');
    await page.getByTestId('ws-sort').selectOption('oldest');
    await page.getByTestId('ws-tab-persons').click();
    await page.waitForFunction(() => document.querySelector('#ws-sort').value === 'relevance');
    await context.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});

test('two desks on one pair: the second is told the first merged it, and cannot judge it not the same', async () => {
  // A new user's walk with two desks: desk B's merge of a pair desk A had merged closed
  // the review without a word, and its "not the same" was accepted (the pair then both
  // merged and judged different).
  const data = tempDir('strada-e2e-two-desks-');
  const accounts = fillDemo(data);
  const server = await startServer(data);
  // Desk B's two late answers are refused on purpose.
  const browser = await launchBrowser({ allow: [/http 409: POST .*\/api\/persons\/(merge|not-same)/, /status of 409/] });
  try {
    const password = accounts.centrale.password;
    const token = await apiLogin(server.url, 'centrale', password);
    const found = await apiGet(server.url, token, '/api/persons/duplicates?limit=200');
    const [one, two] = found.items;
    const desk = async () => (await openDesk(browser, server.url, 'centrale', password)).page;
    const pageA = await desk();
    const pageB = await desk();
    const openPair = async (page, p) => {
      await page.getByTestId('ws-tab-duplicates').click();
      await page.locator(`[data-testid="dup-pair"][data-a="${p.a.id}"][data-b="${p.b.id}"]`).click();
      await page.getByTestId('dup-review').getByTestId('dup-compare').waitFor({ timeout: 15000 });
    };
    const merge = async (page) => {
      const review = page.getByTestId('dup-review');
      await review.getByTestId('dup-reason').fill('Stessa persona, confermato dalle due équipe.');
      await review.getByTestId('dup-merge').click();
      await review.getByTestId('dup-merge-confirm').click();
    };
    const stale = "Nel frattempo una delle due schede è stata unita (a quest'altra o a un'altra persona) da un'altra postazione: l'elenco è aggiornato.";
    for (const [pair, second] of [[one, 'merge'], [two, 'not-same']]) {
      await openPair(pageA, pair);
      await openPair(pageB, pair);
      await merge(pageA);
      await pageA.getByTestId('dup-notice').filter({ hasText: ' è unita a «' }).waitFor({ timeout: 15000 });
      if (second === 'merge') {
        await merge(pageB);
      } else {
        await pageB.getByTestId('dup-not-same').click();
        await pageB.getByTestId('dup-not-same-confirm').click();
      }
      await pageB.getByTestId('dup-notice').filter({ hasText: stale }).waitFor({ timeout: 15000 });
      await pageB.getByTestId('dup-review').waitFor({ state: 'detached' });
    }
    const judged = await apiGet(server.url, token, '/api/persons/not-same');
    assert.equal(judged.total, 0, 'no judgement against a merged pair');
    // The other way round (a later walk): desk A judges a pair not the same, desk B's
    // late merge is told so, the pair leaves its list; the notice goes when desk B opens
    // another pair by hand (it stayed above the next review and contradicted it).
    const used = new Set([one, two].flatMap((p) => [p.a.id, p.b.id]));
    const apart = found.items.filter((p) => !used.has(p.a.id) && !used.has(p.b.id));
    const three = apart[0];
    const four = apart.find((p) => ![p.a.id, p.b.id].some((id) => id === three.a.id || id === three.b.id));
    await openPair(pageA, three);
    await openPair(pageB, three);
    await pageA.getByTestId('dup-not-same').click();
    await pageA.getByTestId('dup-not-same-confirm').click();
    await pageA.getByTestId('dup-notice').filter({ hasText: 'persone diverse' }).waitFor({ timeout: 15000 });
    await merge(pageB);
    await pageB.getByTestId('dup-notice')
      .filter({ hasText: 'Nel frattempo queste due schede sono state giudicate persone diverse' }).waitFor({ timeout: 15000 });
    await pageB.getByTestId('dup-review').waitFor({ state: 'detached' });
    await pageB.locator(`[data-testid="dup-pair"][data-a="${three.a.id}"][data-b="${three.b.id}"]`).waitFor({ state: 'detached' });
    await openPair(pageB, four);
    assert.equal((await pageB.getByTestId('dup-notice').innerText()).trim(), '', 'the last act\'s notice is gone');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
