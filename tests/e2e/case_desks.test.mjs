// Two central desks on one open case (a new user's walk: the case stayed as first drawn
// while another desk saved it). The desk that did not save is told, keeps what it is
// typing, and sees the colleague's values when it reloads; a desk's own save tells it
// nothing.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  OFFLINE, apiGet, apiLogin, fillDemo, launchBrowser, openDesk, removeDir, startServer, stopServer,
  tempDir,
} from './helpers.mjs';

async function openCase(desk, url, id) {
  await desk.page.goto(`${url}/#/centrale/casi/caso/${id}`);
  const view = desk.page.locator(`[data-testid="case-view"][data-id="${id}"]`);
  await view.getByTestId('case-intake').waitFor({ timeout: 30000 });
  return view;
}

test('two desks on one case: a colleague\'s save is announced, nothing typed is redrawn away, a reload shows it, an intervention is not sent twice, a value set apart is named for review', async () => {
  const data = tempDir('strada-e2e-case-desks-');
  const accounts = fillDemo(data, ['--seed', '1', '--contacts', '300']);
  const server = await startServer(data);
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    const token = await apiLogin(server.url, 'centrale', accounts.centrale.password);
    const open = await apiGet(server.url, token, '/api/cases?status=open');
    // A case whose person was met (a referral goes to the team that met them last).
    let id;
    for (const row of open) {
      const page = await apiGet(server.url, token, `/api/cases/${row.case.id}`);
      if (page.contacts.length > 0) { id = row.case.id; break; }
    }
    assert.ok(id, 'the demo has an open case of a person met');

    const a = await openDesk(browser, server.url, 'sociale', accounts.sociale.password);
    const b = await openDesk(browser, server.url, 'centrale', accounts.centrale.password);
    const viewA = await openCase(a, server.url, id);
    const viewB = await openCase(b, server.url, id);
    const before = await viewB.getByTestId('case-labour-expert').inputValue();

    // Desk A saves the intake: desk B is told, and its page is not redrawn by itself.
    await viewA.getByTestId('case-labour-expert').fill('Esperta sintetica A');
    await viewA.getByTestId('case-save-intake').click();
    await viewA.getByTestId('case-intake').getByTestId('case-saved').waitFor();
    await viewB.getByTestId('case-changed').waitFor({ timeout: 30000 });
    assert.match(await viewB.getByTestId('case-changed').innerText(), /modificato da un'altra postazione/);
    assert.equal(await viewB.getByTestId('case-labour-expert').inputValue(), before);
    // Its own save tells desk A nothing (B's notice shows the feed moved meanwhile).
    assert.equal(await viewA.getByTestId('case-changed').count(), 0);

    // Desk B saves the same section from its page drawn before A's save: only what B
    // changed is written (a new user's walk: the stale page wrote A's field back).
    await viewB.getByTestId('case-meeting-date').fill('2026-11-19');
    await viewB.getByTestId('case-save-intake').click();
    await viewB.getByTestId('case-intake').getByTestId('case-saved').waitFor();
    let stored;
    for (let i = 0; i < 60; i++) {
      stored = (await apiGet(server.url, token, `/api/cases/${id}`)).row.case;
      if (stored.first_meeting.date === '2026-11-19') break;
      await b.page.waitForTimeout(250);
    }
    assert.equal(stored.first_meeting.date, '2026-11-19');
    assert.equal(stored.labour_expert, 'Esperta sintetica A', 'A\'s save kept');

    // Desk B reloads: A's value, and no notice.
    await viewB.getByTestId('case-reload').click();
    for (let i = 0; i < 40; i++) {
      if (await viewB.getByTestId('case-labour-expert').inputValue() === 'Esperta sintetica A') break;
      await b.page.waitForTimeout(250);
    }
    assert.equal(await viewB.getByTestId('case-labour-expert').inputValue(), 'Esperta sintetica A');
    assert.equal(await viewB.getByTestId('case-changed').count(), 0);

    // Desk A types (not saved) while desk B saves another section: A is told, and what
    // it typed stays until it chooses to reload.
    await viewA.getByTestId('case-meeting-date').fill('2026-11-18');
    await viewB.getByTestId('case-meeting-date').fill('2026-11-20');
    await viewB.getByTestId('case-save-intake').click();
    await viewB.getByTestId('case-intake').getByTestId('case-saved').waitFor();
    await viewA.getByTestId('case-changed').waitFor({ timeout: 30000 });
    assert.equal(await viewA.getByTestId('case-meeting-date').inputValue(), '2026-11-18');
    assert.equal(await viewB.getByTestId('case-changed').count(), 0, 'its own save tells B nothing');
    await viewA.getByTestId('case-reload').click();
    for (let i = 0; i < 40; i++) {
      if (await viewA.getByTestId('case-meeting-date').inputValue() === '2026-11-20') break;
      await a.page.waitForTimeout(250);
    }
    assert.equal(await viewA.getByTestId('case-meeting-date').inputValue(), '2026-11-20');
    assert.equal(await viewA.getByTestId('case-labour-expert').inputValue(), 'Esperta sintetica A');
    assert.equal(await viewA.getByTestId('case-changed').count(), 0);

    // Both desks decide the eligibility from pages drawn alike: A saves first; B's save
    // is told and not made; saved again, B's decision replaces A's whole, B's criteria
    // with it (a new user's walk: B's "not eligible" went in silently, beside A's
    // criterion for eligibility).
    const drawn = (await apiGet(server.url, token, `/api/cases/${id}`)).row.case.eligibility;
    const criterion = viewA.locator('[data-testid^="case-criterion-"]').first();
    if (await criterion.isChecked()) await criterion.uncheck(); else await criterion.check();
    await viewA.getByTestId('case-decision').selectOption('eligible');
    await viewA.getByTestId('case-decision-date').fill('2026-11-25');
    await viewA.getByTestId('case-reasons').fill('A: indicatori forti (sintetico)');
    await viewA.getByTestId('case-save-eligibility').click();
    await viewA.getByTestId('case-eligibility').getByTestId('case-saved').waitFor();
    await viewB.getByTestId('case-changed').waitFor({ timeout: 30000 });
    await viewB.getByTestId('case-decision').selectOption('not_eligible');
    await viewB.getByTestId('case-decision-date').fill('2026-11-26');
    await viewB.getByTestId('case-reasons').fill('B: percorso non accettato (sintetico)');
    await viewB.getByTestId('case-save-eligibility').click();
    const told = viewB.getByTestId('case-eligibility').getByTestId('case-error');
    await told.waitFor({ timeout: 10000 });
    assert.match(await told.innerText(), /un'altra postazione ha salvato qui valori diversi/);
    await b.page.waitForTimeout(1000);
    let decided = (await apiGet(server.url, token, `/api/cases/${id}`)).row.case.eligibility;
    assert.equal(decided.reasons, 'A: indicatori forti (sintetico)', 'B\'s first save made nothing');
    await viewB.getByTestId('case-save-eligibility').click();
    await viewB.getByTestId('case-eligibility').getByTestId('case-saved').waitFor({ timeout: 10000 });
    for (let i = 0; i < 60; i++) {
      decided = (await apiGet(server.url, token, `/api/cases/${id}`)).row.case.eligibility;
      if (decided.reasons.startsWith('B:')) break;
      await b.page.waitForTimeout(250);
    }
    assert.equal(decided.decision, 'not_eligible');
    assert.equal(decided.reasons, 'B: percorso non accettato (sintetico)');
    assert.deepEqual([...decided.criteria].sort(), [...drawn.criteria].sort(), 'B\'s criteria, not A\'s');
    for (const v of [viewA, viewB]) {
      if (await v.getByTestId('case-reload').count()) await v.getByTestId('case-reload').click();
    }

    // An intervention both desks see unsent: A sends it to the partner; B, from its page
    // drawn before, is told it went already, and no second referral is made.
    const partner = 'Partner sintetico e2e due postazioni';
    await viewA.getByTestId('interv-need').selectOption('shelter');
    await viewA.getByTestId('interv-partner').fill(partner);
    await viewA.getByTestId('interv-add').click();
    const rowA = viewA.getByTestId('pip-row').filter({ hasText: partner });
    await rowA.waitFor({ timeout: 20000 });
    await viewB.getByTestId('case-changed').waitFor({ timeout: 30000 });
    await viewB.getByTestId('case-reload').click();
    const rowB = viewB.getByTestId('pip-row').filter({ hasText: partner });
    await rowB.waitFor({ timeout: 20000 });
    await rowB.getByTestId('pip-send').and(b.page.locator(':enabled')).waitFor({ timeout: 20000 });
    await rowA.getByTestId('pip-send').and(a.page.locator(':enabled')).waitFor({ timeout: 20000 });
    await rowA.getByTestId('pip-send').click();
    await rowA.getByTestId('pip-sent').waitFor({ timeout: 20000 });
    // A's save reached the server before B presses.
    for (let i = 0; i < 60; i++) {
      const c = await apiGet(server.url, token, `/api/cases/${id}`);
      if (Object.values(c.row.case.interventions).some((x) => x.partner === partner && x.referral_id)) break;
      await b.page.waitForTimeout(250);
    }
    await rowB.getByTestId('pip-send').click();
    // (The page is drawn again to show it sent: the message is waited for as text.)
    await viewB.getByTestId('case-pip').getByTestId('case-error')
      .filter({ hasText: /già stato inviato al partner da un'altra postazione/ })
      .waitFor({ timeout: 20000 });
    await viewB.getByTestId('pip-row').filter({ hasText: partner }).getByTestId('pip-sent').waitFor({ timeout: 20000 });
    await b.page.waitForTimeout(2000);
    const page = await apiGet(server.url, token, `/api/cases/${id}`);
    assert.equal(page.referrals.filter((r) => r.partner === partner).length, 1, 'one referral');

    // The overall judgement set apart: A with the network cut, B online. Once A is back,
    // both desks' pages say the judgement is up for review.
    for (const v of [viewA, viewB]) {
      if (await v.getByTestId('case-reload').count()) await v.getByTestId('case-reload').click();
    }
    await viewA.getByTestId('case-judgement').waitFor({ timeout: 20000 });
    await viewB.getByTestId('case-judgement').waitFor({ timeout: 20000 });
    // Two judgements, neither the one the case has (setting it again changes nothing).
    const options = await viewA.getByTestId('case-judgement').evaluate(
      (s) => [...s.options].map((o) => o.value).filter((v) => v && v !== s.value),
    );
    assert.ok(options.length >= 2, `judgements: ${options}`);
    assert.equal(await viewA.getByTestId('case-under-review').count(), 0);
    await a.context.setOffline(true);
    await viewA.getByTestId('case-judgement').selectOption(options[0]);
    await viewA.getByTestId('case-save-assessment').click();
    await viewA.getByTestId('case-assessment').getByTestId('case-saved').waitFor();
    await viewB.getByTestId('case-judgement').selectOption(options[1]);
    await viewB.getByTestId('case-save-assessment').click();
    await viewB.getByTestId('case-assessment').getByTestId('case-saved').waitFor();
    for (let i = 0; i < 60; i++) {
      const c = await apiGet(server.url, token, `/api/cases/${id}`);
      if (c.row.case.assessment.judgement === options[1]) break;
      await b.page.waitForTimeout(250);
    }
    await a.context.setOffline(false);
    let conflicted;
    for (let i = 0; i < 240; i++) {
      conflicted = await apiGet(server.url, token, `/api/cases/${id}`);
      if ((conflicted.row.case.conflicts ?? []).length > 0) break;
      await b.page.waitForTimeout(250);
    }
    assert.ok((conflicted.row.case.conflicts ?? []).some((c) => c.field.startsWith('assessment')),
      JSON.stringify([conflicted.row.case.conflicts, conflicted.row.case.assessment, options]));
    // (The desk whose value automerge did not keep is told of a change; B opens the case
    // again either way.)
    await b.page.getByTestId('ws-tab-persons').click();
    const reopened = await openCase(b, server.url, id);
    const underReview = reopened.getByTestId('case-under-review');
    await underReview.waitFor({ timeout: 20000 });
    assert.match(await underReview.innerText(), /Da rivedere[^]*Valutazione/);
    assert.deepEqual(browser.problems(), []);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
