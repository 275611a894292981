// Case work in the central office's workspace, over the demo (issue 12's "done when"):
// the social-services expert opens a case for a person met by two teams, records the
// first meeting, the assessment and the eligibility decision, plans an intervention and
// sends it to a partner — the phone of the team that met the person receives it as a
// referral; the labour-policy expert writes the work plan and picks a matching job
// offer; the case manager records a review with the network cut (saved on the laptop,
// sent when the network comes back); overdue reviews are listed first; the case is
// closed with an outcome.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import {
  openDesk,
  OFFLINE, apiLogin, axeViolations, demoWithCrossTeamPair, launchBrowser, phoneContext,
  removeDir, signIn, stopServer, unlock,
} from './helpers.mjs';

async function api(url, token, path, body) {
  const res = await fetch(url + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(res.status, 200, path);
  return res.json();
}

test('a case from intake to closure: assessment, PIP, referral to the phones, work plan, review offline, outcome', async () => {
  // The case is opened today: its review and closure are dated today (not before the
  // opening, nor ahead).
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Rome' });
  // A person two teams met: a planted pair, merged by the central office.
  const { data, accounts, server, token: central, pair } =
    await demoWithCrossTeamPair('strada-e2e-cases-', { withoutOpenCase: true });
  const browser = await launchBrowser({ allow: OFFLINE });
  try {
    await api(server.url, central, '/api/persons/merge', {
      survivor: pair.a.id, merged: pair.b.id, reason: 'stessa persona (e2e)', keep: {},
    });
    const person = await api(server.url, central, `/api/persons/${pair.a.id}`);
    assert.equal(person.person.consent.status, 'given');
    const alias = person.person.aliases[0];

    // --- The social-services expert opens the case from the person's page.
    const social = await openDesk(browser, server.url, 'sociale', accounts.sociale.password);
    let page = social.page;
    await page.getByTestId('ws-tab-persons').click();
    await page.getByTestId('ws-q').fill(alias);
    await page.getByTestId('ws-apply').click();
    await page.locator(`[data-testid="ws-person-row"][data-id="${pair.a.id}"]`).click();
    await page.getByTestId('ws-person-name').waitFor();
    await page.getByTestId('case-open-new').click();
    const view = page.getByTestId('case-view');
    await view.getByTestId('case-intake').waitFor({ timeout: 20000 });
    assert.equal(await view.getByTestId('case-read-only').count(), 0, 'the case manager writes it');
    assert.match(await view.getByTestId('case-person').innerText(), new RegExp(alias));
    assert.match(await view.getByTestId('case-state').innerText(), /Aperto/);
    // The case shows what both teams recorded of the person (through the merge).
    await view.getByTestId('case-contacts').waitFor();
    assert.equal(await view.getByTestId('case-contact').count(), pair.a.contacts + pair.b.contacts);

    // First meeting and access conditions (the PUA's rules give the choices).
    await view.getByTestId('case-labour-expert').fill('lavoro');
    await view.getByTestId('case-mode').selectOption('desk');
    await view.getByTestId('case-meeting-date').fill('2026-11-20');
    await view.getByTestId('case-mediator').check();
    await view.getByTestId('case-access-adult').check();
    await view.getByTestId('case-access-consent').check();
    await view.getByTestId('case-save-intake').click();
    await view.getByTestId('case-intake').getByTestId('case-saved').waitFor();
    // Back on the person's page: the case is listed, and no second one is offered (a
    // new user's walk saw "Apri un caso" beside the open one).
    await page.locator(`[data-testid="ws-person-row"][data-id="${pair.a.id}"]`).click();
    await page.getByTestId('person-case').first().waitFor({ timeout: 20000 });
    assert.equal(await page.getByTestId('case-open-new').count(), 0, 'no second case offered');
    await page.getByTestId('person-case').first().click();
    await view.getByTestId('case-intake').waitFor({ timeout: 20000 });

    // The assessment: two ILO indicators graded, an overall judgement.
    await view.getByTestId('case-assess-deception').selectOption('strong');
    await view.getByTestId('case-evidence-deception').fill('Promesso un contratto mai firmato (sintetico)');
    await view.getByTestId('case-assess-withholding_of_wages').selectOption('medium');
    // The grade's name shows whole (a new user's walk: «Medic»).
    const gradeFits = await view.getByTestId('case-assess-withholding_of_wages').evaluate((s) => {
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(s).font;
      probe.textContent = s.options[s.selectedIndex].text;
      document.body.append(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      return s.clientWidth >= need + 40;
    });
    assert.ok(gradeFits, 'the grade chosen is shown whole');
    await view.getByTestId('case-judgement').selectOption('exploitation');
    await view.getByTestId('case-save-assessment').click();
    await view.getByTestId('case-assessment').getByTestId('case-saved').waitFor();
    // The heading follows the save (a new user's walk: it said «Presa in carico» until
    // a reload).
    await view.getByTestId('case-state').filter({ hasText: 'Valutato' }).waitFor({ timeout: 5000 });

    // Eligibility: a decision without reasons is refused, with the rule in words.
    await view.getByTestId('case-decision').selectOption('eligible');
    await view.getByTestId('case-save-eligibility').click();
    const refusal = view.getByTestId('case-eligibility').getByTestId('case-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /data e motivazioni/);
    await view.getByTestId('case-criterion-indicators').check();
    await view.getByTestId('case-decision-date').fill('2026-11-25');
    await view.getByTestId('case-reasons').fill('Indicatori forti, adesione al percorso (sintetico)');
    await view.getByTestId('case-save-eligibility').click();
    await view.getByTestId('case-eligibility').getByTestId('case-saved').waitFor();
    await view.getByTestId('case-state').filter({ hasText: 'Ammissibile' }).waitFor({ timeout: 5000 });
    assert.deepEqual(await axeViolations(page), [], 'the case page');

    // The PIP: an intervention, sent to the partner as a referral.
    await view.getByTestId('interv-need').selectOption('shelter');
    await view.getByTestId('interv-partner').fill('Dormitorio sintetico e2e');
    await view.getByTestId('interv-planned').fill('2026-12-03');
    await view.getByTestId('interv-add').click();
    await view.getByTestId('pip-row').waitFor();
    // Its day as every other day is written, not 2026-12-03.
    await view.getByTestId('pip-row').filter({ hasText: '03/12/2026' }).waitFor({ state: 'attached' });
    // The PIP's table scrolls within its section: the section stays inside the case
    // (a new user's walk: at 1440 px its last columns and buttons ran past the panel).
    const pipFits = await view.getByTestId('case-pip').evaluate((fs) => {
      const panel = fs.closest('[data-testid="case-view"]');
      return fs.getBoundingClientRect().right <= panel.getBoundingClientRect().right + 1;
    });
    assert.ok(pipFits, 'the PIP section stays within the case');
    // Its buttons in sight, without scrolling sideways (a new user's walk at 1400 px:
    // «Salva» and «Invia al partner» began past the window's edge).
    const sendInSight = await view.getByTestId('pip-send').evaluate((b) => {
      const panel = b.closest('[data-testid="case-view"]').getBoundingClientRect();
      const box = b.getBoundingClientRect();
      return box.left >= panel.left && box.right <= Math.min(panel.right, window.innerWidth) + 1;
    });
    assert.ok(sendInSight, '«Invia al partner» in sight');
    // And on a tablet held upright (a new user's walk at 768 px: the table was 818 px
    // wide in 684, its buttons cut at the edge).
    const desk = page.viewportSize();
    await page.setViewportSize({ width: 768, height: 1024 });
    const sendInPortrait = await view.getByTestId('pip-send').evaluate((b) => {
      const box = b.getBoundingClientRect();
      const wrap = b.closest('.table-wrap');
      return box.left >= 0 && box.right <= window.innerWidth + 1 && wrap.scrollWidth <= wrap.clientWidth + 1;
    });
    assert.ok(sendInPortrait, '«Invia al partner» in sight at 768 px, nothing to scroll sideways');
    await page.setViewportSize(desk);
    const sentKey = await view.getByTestId('pip-row').first().getAttribute('data-key');
    await view.getByTestId('pip-send').click();
    await view.getByTestId('pip-sent').waitFor({ timeout: 20000 });
    // The focus stays on the intervention sent (a new user's walk: the case was drawn
    // again, the page thrown 1,700 px up and the focus on the page itself).
    await page.waitForFunction((key) => document.activeElement?.closest('tr[data-key]')?.dataset.key === key,
      sentKey, { timeout: 5000 });
    // Where the case stands, not only "Aperto" (a new user's walk).
    await view.getByTestId('case-state').filter({ hasText: 'PIP in corso' }).waitFor({ timeout: 15000 });

    const caseId = await view.getAttribute('data-id');
    const sociale = await apiLogin(server.url, 'sociale', accounts.sociale.password);
    let record;
    for (let i = 0; i < 60; i++) {
      record = await api(server.url, sociale, `/api/cases/${caseId}`);
      if (Object.values(record.row.case.interventions).some((x) => x.referral_id)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const interventions = Object.values(record.row.case.interventions);
    assert.equal(interventions.length, 1);
    assert.ok(interventions[0].referral_id, 'the intervention links its referral');
    assert.equal(record.row.case.eligibility.decision, 'eligible');
    assert.equal(record.row.case.assessment.indicators.deception.strength, 'strong');
    const referral = await api(server.url, central, `/api/referrals/${interventions[0].referral_id}`);
    assert.equal(referral.partner, 'Dormitorio sintetico e2e');
    // A second intervention's partner picked from the directory: it names the service
    // (a new user's walk: the partner could only be typed).
    await view.getByTestId('interv-need').selectOption('food');
    await view.getByTestId('interv-directory').locator('summary').click();
    const pick = view.getByTestId('interv-directory').getByTestId('pick-service').first();
    await pick.waitFor({ timeout: 15000 });
    // Services ranked by their distance from where the person was last met, shown
    // (a review: the picker knew no place, so no service said how far it was).
    await view.getByTestId('interv-directory-from').waitFor();
    const distance = await view.getByTestId('interv-directory').getByTestId('service-row').first()
      .getAttribute('data-distance-m');
    assert.ok(distance !== '' && Number(distance) >= 0, `a distance (${distance})`);
    await pick.click();
    assert.ok((await view.getByTestId('interv-partner').inputValue()).length > 2, 'the service names the partner');
    await view.getByTestId('interv-add').click();
    await view.getByTestId('pip-row').nth(1).waitFor({ timeout: 15000 });
    for (let i = 0; i < 60; i++) {
      record = await api(server.url, sociale, `/api/cases/${caseId}`);
      if (Object.values(record.row.case.interventions).some((x) => x.service_id)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(Object.values(record.row.case.interventions).some((x) => x.need === 'food' && x.service_id),
      'the picked service is the intervention\'s');
    // An intervention marked done without its day is refused, and the message stands in
    // its row, beside the value not saved (a new user's walk: it was under the form).
    const second = view.getByTestId('pip-row').filter({ has: page.getByTestId('pip-send') }).last();
    await second.getByTestId('pip-status').selectOption('done');
    await second.getByTestId('pip-save').click();
    const rowError = second.getByTestId('pip-row-error');
    await rowError.waitFor({ timeout: 5000 });
    assert.ok((await rowError.innerText()).length > 5, 'the refusal in words');
    assert.equal(await view.getByTestId('case-pip').getByTestId('case-error').count(), 0,
      'the refusal is said once, in the row');
    await second.getByTestId('pip-status').selectOption('planned');
    // A note says why an intervention went as it did (a new user's walk: «the person
    // refused» had nowhere to go but a review).
    const note = 'La persona preferisce la mensa vicina al lavoro (sintetico)';
    await second.getByTestId('pip-note').fill(note);
    await second.getByTestId('pip-save').click();
    for (let i = 0; i < 60; i++) {
      record = await api(server.url, sociale, `/api/cases/${caseId}`);
      if (Object.values(record.row.case.interventions).some((x) => x.note === note)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(Object.values(record.row.case.interventions).some((x) => x.need === 'food' && x.note === note),
      'the intervention\'s note saved');

    // --- The phone of the team that met the person receives the referral.
    const teamWorker = (await api(server.url, central, '/api/accounts')).find(
      (a) => a.role === 'field_worker' && a.team === referral.team && accounts[a.username],
    );
    assert.ok(teamWorker, `a worker of ${referral.team}`);
    const phone = await phoneContext(browser);
    const phonePage = await phone.newPage();
    await phonePage.goto(server.url + '/');
    await signIn(phonePage, teamWorker.username, accounts[teamWorker.username].password);
    await phonePage.getByTestId('tab-referrals').click();
    await phonePage.locator(`[data-testid="referral-row"][data-id="${referral.id}"]`)
      .waitFor({ timeout: 60000 });
    assert.match(
      await phonePage.locator(`[data-testid="referral-row"][data-id="${referral.id}"]`).innerText(),
      /Dormitorio sintetico e2e/,
    );
    // The phone never holds the case: the server refuses to show it one.
    const phoneToken = await apiLogin(server.url, teamWorker.username, accounts[teamWorker.username].password);
    const denied = await fetch(`${server.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${phoneToken}` } });
    assert.equal(denied.status, 403);

    // --- The labour-policy expert: the work plan with a matching job offer.
    const labour = await openDesk(browser, server.url, 'lavoro', accounts.lavoro.password);
    await labour.page.getByTestId('ws-tab-cases').click();
    await labour.page.getByTestId('case-mine').check();
    await labour.page.locator(`[data-testid="case-row"][data-id="${caseId}"]`).click();
    const lview = labour.page.getByTestId('case-view');
    await lview.getByTestId('case-work-plan').waitFor({ timeout: 20000 });
    assert.equal(await lview.getByTestId('case-save-eligibility').count(), 0, 'no decision for the labour expert');
    // Told what the role writes (a new user's walk: a page that took typing it never saved).
    assert.match(await lview.getByTestId('case-read-only').innerText(), /solo il piano di reinserimento/);
    await lview.getByTestId('plan-sector').selectOption('logistics');
    await lview.getByTestId('plan-skills').fill('Raccolta e potatura (sintetico)');
    // Languages chosen by name, kept as codes (a new user's walk: typed names were
    // kept as unknown codes).
    await lview.getByTestId('plan-languages').getByText('Rumeno').click();
    await lview.getByTestId('case-save-plan').click();
    await lview.getByTestId('case-work-plan').getByTestId('case-saved').waitFor();
    // The offers now ranked for the plan's sector, with the reasons in words.
    const match = lview.getByTestId('plan-match').filter({ hasText: 'stesso settore' }).first();
    await match.waitFor({ timeout: 20000 });
    assert.match(await match.getByTestId('plan-reasons').innerText(), /stesso settore \(Logistica\)/);
    const offerId = await match.getAttribute('data-id');
    await match.getByTestId('plan-offer').check();
    await lview.getByTestId('case-save-plan').click();
    await lview.getByTestId('case-work-plan').getByTestId('case-saved').waitFor();

    // --- Reviews: the overdue ones come first in the list.
    await page.getByTestId('ws-tab-cases').click();
    const firstRow = page.getByTestId('case-row').first();
    await firstRow.waitFor({ timeout: 20000 });
    assert.equal(await firstRow.getByTestId('case-overdue').count(), 1, 'an overdue review first');
    assert.equal(await firstRow.getByTestId('case-stage').count(), 1, 'where the case stands');
    // Worked as the other lists: one stop of Tab, ↓ to the next row, Enter opens it and
    // marks it (a new user's walk: every row a stop, arrows did nothing, none marked).
    assert.equal(await page.locator('[data-testid="case-row"][tabindex="0"]').count(), 1);
    if (await page.getByTestId('case-row').count() > 1) {
      // The list is read again when the feed moves (the other desks are at work): the
      // row with the focus keeps it.
      const secondId = await page.getByTestId('case-row').nth(1).getAttribute('data-id');
      await firstRow.focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-id') === id, secondId, { timeout: 5000 })
        .catch(() => assert.fail('ArrowDown moves to the next row'));
      await page.keyboard.press('Enter');
      await page.getByTestId('case-view').waitFor({ timeout: 20000 });
      await page.locator(`[data-testid="case-row"][data-id="${secondId}"][aria-selected="true"]`).waitFor({ timeout: 5000 });
    }
    // On a tablet, where the case opens under the list, a click brings it into view
    // (a new user's walk at 1024 px: only Enter did; a click left it 1,000 px below).
    const wide = page.viewportSize();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`[data-testid="case-row"][data-id="${caseId}"]`).click();
    await page.waitForFunction(() => {
      const view = document.querySelector('[data-testid="case-view"]');
      const top = view?.getBoundingClientRect().top;
      const pane = document.activeElement?.closest('.ws-detail');
      return top !== undefined && top < window.innerHeight && top > -window.innerHeight
        && pane !== null && pane !== undefined && pane.contains(view);
    }, null, { timeout: 10000 }).catch(() => assert.fail('the case opened by a click is in view at 1024 px'));
    await page.setViewportSize(wide);
    const again = page.getByTestId('case-view');
    await again.getByTestId('case-review-due').waitFor({ timeout: 20000 });
    assert.match(await again.getByTestId('case-review-due').textContent(), /: \d\d\/\d\d\/\d{4}$/);

    // A review recorded with the network cut: saved on the laptop, sent when it is back.
    await social.context.setOffline(true);
    // From the case's top to its reviews in one step, by the keyboard (a new user's
    // walk: 122 Tabs).
    // (The case may be drawn again as the server's page arrives: pressed again then.)
    const onReviews = () => page.evaluate(() => document.activeElement?.tagName === 'LEGEND'
      && document.activeElement.closest('[data-testid="case-reviews"]') !== null);
    for (let i = 0; i < 5 && !(await onReviews()); i++) {
      await again.getByTestId('case-jump').locator('button[data-section="case-reviews"]').press('Enter');
      await page.waitForTimeout(300);
    }
    assert.ok(await onReviews(), 'the focus on the reviews\' heading');
    // The day typed with the keyboard, digit by digit (a new user's walk: the field
    // emptied itself at the first digit of the day): today, the case's first day (a
    // review is not dated before the opening, nor ahead). The field's order of day and
    // month is the browser's: read from a first try.
    const reviewDay = again.getByTestId('review-date');
    await reviewDay.focus();
    await page.keyboard.type('01022026', { delay: 30 });
    const monthFirst = (await reviewDay.inputValue()) === '2026-01-02';
    const [y, m, d] = today.split('-');
    // Focused again from outside: the first part of the date takes the typing.
    await reviewDay.evaluate((e) => e.blur());
    await reviewDay.focus();
    await page.keyboard.type(monthFirst ? `${m}${d}${y}` : `${d}${m}${y}`, { delay: 30 });
    assert.equal(await reviewDay.inputValue(), today, 'the day typed');
    await again.getByTestId('review-note').fill('Verifica con la rete assente (sintetico)');
    await again.getByTestId('review-add').click();
    await again.getByTestId('case-reviews').getByTestId('case-saved').waitFor({ timeout: 20000 });
    // The case list without the network: the cases this laptop holds, from its own copy
    // (this one among them, its review just recorded).
    await page.getByTestId('case-status').selectOption('all');
    await page.getByTestId('cases-held').waitFor({ timeout: 20000 });
    const heldRow = page.locator(`[data-testid="case-row"][data-id="${caseId}"]`);
    await heldRow.waitFor({ timeout: 20000 });
    assert.match(await heldRow.innerText(), /sociale/, 'its case manager');
    assert.equal(await page.getByTestId('case-view').count(), 1, 'the open case stays open beside the list');
    await social.context.setOffline(false);
    for (let i = 0; i < 80; i++) {
      record = await api(server.url, sociale, `/api/cases/${caseId}`);
      if (record.row.case.reviews.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(record.row.case.reviews.length, 1, 'the offline review reached the server');
    // The labour expert's plan and the offline review both kept.
    assert.equal(record.row.case.work_plan.sector, 'logistics');
    assert.ok(record.row.case.work_plan.languages.includes('ro'), `${record.row.case.work_plan.languages}`);
    assert.deepEqual(record.row.case.work_plan.offers, [offerId]);

    // A new job offer's languages chosen by name, kept as codes (a new user's walk:
    // "italiano, punjabi" typed was kept as two unknown codes).
    await labour.page.getByTestId('ws-tab-jobs').click();
    const form = labour.page.getByTestId('job-offer-new');
    await form.getByTestId('job-employer').fill('Magazzino sintetico e2e');
    await form.getByTestId('job-sector').selectOption('logistics');
    await form.getByTestId('job-languages').locator('summary').click();
    await form.getByTestId('job-language-pa').check();
    await form.getByTestId('job-language-ro').check();
    assert.match(await form.getByTestId('job-languages').locator('summary').innerText(), /\(2\)/);
    await form.locator('button[type="submit"]').click();
    let offers = [];
    for (let i = 0; i < 60; i++) {
      offers = await api(server.url, central, '/api/job-offers');
      if (offers.some((o) => o.employer === 'Magazzino sintetico e2e')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const made = offers.find((o) => o.employer === 'Magazzino sintetico e2e');
    assert.ok(made, 'the offer reached the server');
    assert.deepEqual(made.languages, ['pa', 'ro']);

    // --- Closing: an outcome.
    await page.reload();
    await unlock(page, accounts.sociale.password);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    await page.getByTestId('ws-tab-cases').click();
    await page.locator(`[data-testid="case-row"][data-id="${caseId}"]`).click();
    const last = page.getByTestId('case-view');
    await last.getByTestId('case-closure').waitFor({ timeout: 20000 });
    // Closed a month ahead: refused in words, nothing saved (a new user's walk: the
    // case left the open ones at once while the report still counted it open).
    const ahead = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
    await last.getByTestId('close-date').fill(ahead);
    await last.getByTestId('close-outcome').selectOption('emerged');
    await last.getByTestId('case-close').click();
    const aheadError = last.getByTestId('case-closure').getByTestId('case-error');
    await aheadError.waitFor({ timeout: 10000 });
    assert.match(await aheadError.innerText(), /non può essere nel futuro/);
    // A laptop's window (the verification's 1366 × 800): the record's pane scrolls.
    const deskSize = page.viewportSize();
    await page.setViewportSize({ width: 1366, height: 800 });
    await last.getByTestId('close-date').fill(today);
    await last.getByTestId('case-close').click();
    await last.getByTestId('case-closure').getByTestId('case-saved').waitFor();
    // The heading says how and when (a new user's walk: «Chiuso» only), and the pane
    // stays on the closure, its message in sight (it was thrown to the case's top).
    await page.getByTestId('case-view').getByTestId('case-state')
      .filter({ hasText: `Chiuso · Emersione · ${today.split('-').reverse().join('/')}` })
      .waitFor({ timeout: 20000 });
    // The focus stays on «Chiudi il caso», its message in sight, though the case is
    // drawn again more than once (it failed twice in CI: drawn again, seconds later on
    // a busy machine, after the focus was put back, the focus was lost to the page).
    await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'case-close',
      null, { timeout: 30000 });
    await page.waitForTimeout(3000);
    await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'case-close',
      null, { timeout: 5000 }).catch(async (e) => {
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        return a ? `${a.tagName}.${a.className} ${a.dataset?.testid ?? ''}` : 'none';
      });
      throw new Error(`the focus is on ${where}: ${e.message}`);
    });
    // In sight within the window and the record's pane (the verification of this
    // session's fixes: the closed case left the open list, the pane moved, and the
    // button with its message went below the pane's edge).
    const inSight = (el) => {
      const r = el.getBoundingClientRect();
      const pane = el.closest('.ws-detail')?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
      return r.top >= Math.max(0, pane.top) - 1 && r.bottom <= Math.min(window.innerHeight, pane.bottom) + 1;
    };
    assert.ok(await page.getByTestId('case-closure').getByTestId('case-saved').evaluate(inSight),
      'the closure\'s message in sight');
    assert.ok(await page.locator('[data-testid="case-close"]:focus').evaluate(inSight), '«Chiudi il caso» in sight');
    await page.setViewportSize(deskSize);
    for (let i = 0; i < 60; i++) {
      record = await api(server.url, sociale, `/api/cases/${caseId}`);
      if (record.row.case.outcome) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(record.row.case.outcome, 'emerged');
    assert.equal(record.row.case.closed_at, today);
    // The list of open cases beside it follows, without "Aggiorna" (found by a new
    // user's walk: the closed case stayed listed as open).
    await page.locator(`[data-testid="case-row"][data-id="${caseId}"]`).waitFor({ state: 'detached', timeout: 20000 });

    // The phone of the merged-away record's team: the record stays listed (its survivor
    // is another team's) and says it was merged (a new user's walk: no sign of it).
    const otherWorker = (await api(server.url, central, '/api/accounts')).find(
      (a) => a.role === 'field_worker' && a.team === pair.b.team && accounts[a.username],
    );
    const other = await (await phoneContext(browser)).newPage();
    await other.goto(server.url + '/');
    await signIn(other, otherWorker.username, accounts[otherWorker.username].password);
    await other.getByTestId('tab-persons').click();
    await other.getByTestId('person-search').fill(pair.b.aliases[0]);
    await other.getByTestId('person-row').filter({ hasText: pair.b.aliases[0] })
      .getByTestId('person-merged-elsewhere').first().waitFor({ timeout: 60000 });
    // And where a contact's person is picked (a new user's walk: two alike rows, one of
    // them merged away).
    await other.evaluate(() => { window.location.hash = '#/'; });
    await other.locator('#alias').fill(pair.b.aliases[0]);
    await other.getByTestId('pick-person').filter({ hasText: pair.b.aliases[0] }).getByTestId('pick-person-facts')
      .filter({ hasText: "unita a una scheda di un'altra équipe" }).first().waitFor({ timeout: 15000 });
    assert.deepEqual(browser.problems(), []);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
