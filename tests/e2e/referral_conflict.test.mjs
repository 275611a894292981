// Two phones of one team move the same referral while apart: Ahmed's phone, offline,
// marks it accepted; Marta's, online, marks it declined. Nothing is refused and nothing
// is silently overwritten: when Ahmed's phone is back, both phones keep both moves and
// show the conflict with who moved it and when, offer no next step until one of them
// chooses, and then agree on the choice. Nothing is sent again and again.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, addUser, launchBrowser, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-conflict';

async function phone(browser, url, user) {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await page.goto(url + '/');
  await signIn(page, user, PW);
  return { context, page };
}

const pendingZero = (page) => page.waitForFunction(
  () => document.querySelector('[data-testid="pending-count"]').innerText === '0', null, { timeout: 30000 });

const row = (page) => page.getByTestId('referral-list').getByTestId('referral-row');

test('concurrent moves of one referral are both kept, shown to both workers, and decided once', async () => {
  const data = tempDir('strada-e2e-conflict-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  addUser(data, 'ahmed', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    // Marta refers a need to a service nearby and marks the referral sent.
    const marta = await phone(browser, server.url, 'marta');
    await marta.page.getByTestId('nav-services').click();
    await marta.page.getByTestId('service-row').first().waitFor({ timeout: 20000 });
    await marta.page.getByTestId('tab-contacts').click();
    await marta.page.getByTestId('person-anonymous').check();
    await marta.page.getByTestId('need-food').check();
    await marta.page.getByTestId('refer-food').click();
    await marta.page.getByTestId('service-picker-food').getByTestId('pick-service').first().click();
    await marta.page.getByTestId('save-contact').click();
    await marta.page.getByTestId('form-saved').waitFor();
    await marta.page.getByTestId('tab-referrals').click();
    await row(marta.page).getByTestId('move-sent').click();
    await marta.page.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-status="sent"]').waitFor();
    await pendingZero(marta.page);

    // Ahmed's phone has it, then loses the network and marks it accepted.
    const ahmed = await phone(browser, server.url, 'ahmed');
    await ahmed.page.getByTestId('tab-referrals').click();
    await ahmed.page.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-status="sent"]')
      .waitFor({ timeout: 20000 });
    await ahmed.context.setOffline(true);
    await row(ahmed.page).getByTestId('move-accepted').click();
    await ahmed.page.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-status="accepted"]').waitFor();

    // Meanwhile Marta, online, marks it declined; it syncs.
    await row(marta.page).getByTestId('move-declined').click();
    await marta.page.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-status="declined"]').waitFor();
    await pendingZero(marta.page);

    // Ahmed is back: his move is accepted by the server, not refused.
    const pushes = [];
    ahmed.page.on('request', (r) => { if (r.url().endsWith('/api/sync/push')) pushes.push(Date.now()); });
    await ahmed.context.setOffline(false);
    await ahmed.page.getByTestId('sync-now').click();
    await pendingZero(ahmed.page);
    assert.notEqual(await row(ahmed.page).getAttribute('data-sync'), 'refused');

    // Both phones show the conflict, with both moves, and offer no next step.
    await marta.page.getByTestId('sync-now').click();
    for (const p of [ahmed.page, marta.page]) {
      await p.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-conflict="true"]')
        .waitFor({ timeout: 20000 });
      const conflict = row(p).getByTestId('referral-conflict');
      const text = await conflict.innerText();
      assert.match(text, /accettato/i);
      assert.match(text, /rifiutato/i);
      assert.match(text, /da te/);
      assert.match(text, /da un collega/);
      assert.equal(await row(p).locator('[data-testid^="move-"]').count(), 0, 'no next step while undecided');
    }

    // Marta decides: accepted. Both phones agree, the conflict is gone, the next steps
    // are those after "accepted".
    await row(marta.page).getByTestId('choose-accepted').click();
    await pendingZero(marta.page);
    await ahmed.page.getByTestId('sync-now').click();
    for (const p of [marta.page, ahmed.page]) {
      await p.locator('[data-testid="referral-list"] [data-testid="referral-row"][data-status="accepted"][data-conflict="false"]')
        .waitFor({ timeout: 20000 });
      await row(p).getByTestId('move-attended').waitFor();
    }
    // Ahmed's phone sent its move once (nothing refused is re-sent in a loop).
    const sent = pushes.length;
    await ahmed.page.waitForTimeout(9000);
    assert.equal(pushes.length, sent, 'no push without a change');
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
