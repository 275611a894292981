// The dashboard and the quarterly report (issue 13 §2–3's "done when"), over the demo:
// the director opens the dashboard and sees the summer harvest and the November–December
// logistics peaks (read from the table behind the seasonal chart), with no accessibility
// violation; opens the Q3 report, writes the quarter's observations (they survive a
// reload; a role that may not write reads them as text); prints it — only the report, on
// A4 pages, each numbered — and downloads it, the CSV of its tables and the anonymous export.
import { test } from './helpers.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  openDesk,
  axeViolations, fillDemo, launchBrowser, removeDir, startServer, stopServer, tempDir,
  unlock,
} from './helpers.mjs';

/** A count as the Italian page writes it (`1.234`). */
const count = (s) => Number(String(s).trim().replace(/\./g, ''));

/** A desk whose clock is the demo's last day: the report's default quarter is then the
 * demo's Q3, whenever the test runs (timers keep running). */
function desk(browser, url, user, password) {
  return openDesk(browser, url, user, password, {
    options: { acceptDownloads: true },
    prepare: (context) => context.clock.setFixedTime(new Date('2026-12-02T10:00:00+01:00')),
  });
}

/** Clicks `button` and reads the file it downloads. */
async function download(page, button) {
  const event = page.waitForEvent('download');
  await button.click();
  const d = await event;
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

/** The text of each page of a PDF (pdf.js, as a reader would extract it). */
async function pdfPages(bytes) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const out = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    out.push(content.items.map((item) => item.str).join(' ').replace(/\s+/g, ' '));
  }
  await doc.destroy();
  return out;
}

/** The Q3 2026 report: the report tab opens on the last complete quarter. */
async function openQ3(page) {
  await page.getByTestId('ws-tab-report').click();
  assert.equal(await page.getByTestId('rp-quarter').inputValue(), '2026-Q3');
  await page.locator('[data-testid="rp-doc-body"][data-period="2026-Q3"]').waitFor({ timeout: 30000 });
}

test('the director sees the seasons on the dashboard, prints the Q3 report and downloads its data', async () => {
  const data = tempDir('strada-e2e-report-');
  const accounts = fillDemo(data, ['--seed', '1', '--today', '2026-12-01']);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const { page } = await desk(browser, server.url, 'direzione', accounts.direzione.password);

    // --- The dashboard: the director's first tab.
    const dash = page.getByTestId('rp-dashboard');
    await dash.waitFor({ timeout: 20000 });
    await page.getByTestId('rp-from').fill('2025-12-01');
    await page.getByTestId('rp-to').fill('2026-11-30');
    await page.getByTestId('rp-apply').click();
    await page.locator('[data-testid="rp-dash-body"][data-from="2025-12-01"][data-to="2026-11-30"]')
      .waitFor({ timeout: 30000 });
    // Headline figures, each beside the twelve months before.
    const contacts = page.getByTestId('rp-fig-contacts');
    assert.ok(count(await contacts.getByTestId('rp-value').innerText()) > 1000);
    assert.match(await contacts.innerText(), /Prima: \d/);
    // What the tiles count, written under them (a new user's walk: "Persone raggiunte"
    // well above the contacts said nothing of why).
    await page.getByTestId('rp-dash-body').getByText('Persone raggiunte: le persone distinte nominate nei contatti').waitFor();

    // The seasonal picture: a chart, and the table behind it read month by month.
    const chart = page.getByTestId('rp-seasonal-chart');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok((await chart.getAttribute('aria-label')).length > 10);
    const seasonal = await page.getByTestId('rp-seasonal-table').evaluate((table) => {
      const rows = {};
      for (const tr of table.querySelectorAll('tbody tr')) {
        const cell = (s) => tr.querySelector(`td[data-col="${s}"]`)?.textContent ?? '0';
        rows[tr.dataset.key] = { agriculture: cell('agriculture'), logistics: cell('logistics') };
      }
      return rows;
    });
    const months = Object.keys(seasonal);
    assert.equal(months.length, 12);
    const series = (sector) => Object.fromEntries(months.map((m) => [m.slice(5), count(seasonal[m][sector])]));
    const mean = (s, ms) => ms.reduce((a, m) => a + s[m], 0) / ms.length;
    const agriculture = series('agriculture');
    const logistics = series('logistics');
    // The summer harvest: agriculture peaks between June and October, well above winter.
    const agriPeak = Object.entries(agriculture).sort((a, b) => b[1] - a[1])[0][0];
    assert.ok(['06', '07', '08', '09', '10'].includes(agriPeak), `agriculture peaks in ${agriPeak}`);
    assert.ok(mean(agriculture, ['06', '07', '08', '09']) > 1.5 * mean(agriculture, ['12', '01', '02', '03']),
      `harvest peak: ${JSON.stringify(agriculture)}`);
    // The logistics peak: November and December above the rest of the year.
    const logisticsPeak = Object.entries(logistics).sort((a, b) => b[1] - a[1])[0][0];
    assert.ok(['11', '12'].includes(logisticsPeak), `logistics peaks in ${logisticsPeak}`);
    assert.ok(mean(logistics, ['11', '12']) > 1.3 * mean(logistics, ['02', '03', '04', '05', '06', '07']),
      `logistics peak: ${JSON.stringify(logistics)}`);

    // The territory, the network and the workload are there, each with its table.
    await page.getByTestId('rp-area-chart').waitFor();
    assert.ok(await page.getByTestId('rp-area-table').locator('tbody tr').count() > 3);
    // The map for one need: where contacts asked for shelter.
    await page.getByTestId('rp-map-need').selectOption('shelter');
    await page.locator('[data-testid="rp-area-table"] th[scope="col"]', { hasText: 'Riparo' })
      .waitFor({ state: 'attached' });
    assert.match(await page.getByTestId('rp-area-chart').getAttribute('aria-label'), /«Riparo»/);
    await page.getByTestId('rp-map-need').selectOption('');
    await page.locator('[data-testid="rp-area-table"] th[scope="col"]', { hasText: 'Riparo' })
      .waitFor({ state: 'detached' });
    await page.getByTestId('rp-funnel-chart').waitFor();
    assert.ok(await page.getByTestId('rp-network-table').locator('tbody tr').count() > 1);
    assert.ok(await page.getByTestId('rp-workload-table').locator('tbody tr').count() > 3);
    // No accessibility violation, with every table unfolded.
    await page.locator('details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
    assert.deepEqual(await axeViolations(page), [], 'dashboard');

    // --- The Q3 report, with the quarter before beside it.
    await openQ3(page);
    const doc = page.getByTestId('rp-doc');
    assert.match(await doc.getByTestId('rp-title').innerText(), /Rapporto trimestrale — 3º trimestre 2026/);
    const comparison = doc.getByTestId('rp-comparison');
    assert.match(await comparison.innerText(), /2º trimestre 2026/);
    const q3Contacts = count(await comparison.locator('tr[data-key="contacts"] td[data-col="now"]').innerText());
    assert.ok(q3Contacts > 300, `Q3 contacts: ${q3Contacts}`);
    assert.equal((await doc.getByTestId('rp-seasonal-table').locator('tbody tr').count()), 3);
    assert.ok(await doc.getByTestId('rp-network-table').locator('tbody tr').count() > 1);
    assert.deepEqual(await axeViolations(page), [], 'report');
    // Another quarter: Q2's own figures are those Q3 was compared with.
    const q2Before = count(await comparison.locator('tr[data-key="contacts"] td[data-col="before"]').innerText());
    await page.getByTestId('rp-quarter').selectOption('2026-Q2');
    await page.locator('[data-testid="rp-doc-body"][data-period="2026-Q2"]').waitFor({ timeout: 30000 });
    assert.equal(count(await comparison.locator('tr[data-key="contacts"] td[data-col="now"]').innerText()), q2Before);
    // The quarter in progress says so (a new user's walk: −52% with nothing to say why);
    // a quarter over does not.
    assert.equal(await doc.getByTestId('rp-provisional').count(), 0, 'Q2 is over');
    const now = new Date();
    const current = `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
    await page.getByTestId('rp-quarter').selectOption(current);
    await page.locator(`[data-testid="rp-doc-body"][data-period="${current}"]`).waitFor({ timeout: 30000 });
    await doc.getByTestId('rp-provisional').filter({ hasText: 'Trimestre in corso' }).waitFor();
    await page.getByTestId('rp-quarter').selectOption('2026-Q3');
    await page.locator('[data-testid="rp-doc-body"][data-period="2026-Q3"]').waitFor({ timeout: 30000 });
    assert.equal(await doc.getByTestId('rp-provisional').count(), 0, 'Q3 is over');

    // The director's observations, kept by the server: they survive a reload.
    const note = 'Raccolta dell\'uva in Franciacorta: molti contatti ad agosto e settembre.\nPicco della logistica atteso a novembre.';
    await doc.getByTestId('rp-note').fill(note);
    await doc.getByTestId('rp-note-save').click();
    await doc.getByTestId('rp-note-state').filter({ hasText: 'Osservazioni salvate' }).waitFor();
    await page.reload();
    await unlock(page, accounts.direzione.password);
    await page.getByTestId('workspace').waitFor({ timeout: 30000 });
    await openQ3(page);
    await page.waitForFunction((text) => document.querySelector('[data-testid="rp-note"]')?.value === text, note);
    assert.match(await doc.innerText(), /Ultima modifica: .*direzione/);

    // Print: the button asks the browser to print …
    await page.evaluate(() => { window.print = () => { window.printed = true; }; });
    await page.getByTestId('rp-print').click();
    assert.equal(await page.evaluate(() => window.printed), true);
    // … and in print only the report shows, its observations as text.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await doc.isVisible());
    assert.ok(await doc.getByTestId('rp-seasonal-chart').isVisible());
    assert.equal(await doc.getByTestId('rp-note-text').innerText(), note);
    for (const chrome of ['net-status', 'rp-print', 'rp-note', 'rp-note-save', 'rp-quarter', 'rp-downloads',
      'ws-tab-report', 'devices', 'exchange-files']) {
      assert.equal(await page.getByTestId(chrome).first().isVisible(), false, `${chrome} is not printed`);
    }
    for (const chrome of ['nav', 'button', 'input', 'select', 'textarea']) {
      const shown = await page.locator(chrome).evaluateAll((els) => els.filter((e) => e.checkVisibility()).length);
      assert.equal(shown, 0, `no ${chrome} is printed`);
    }
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const text = pdf.toString('latin1');
    assert.ok(text.startsWith('%PDF'));
    // A4: 595 × 842 points.
    const box = text.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
    assert.ok(box, 'the PDF has pages');
    assert.ok(Math.abs(Number(box[1]) - 595) < 2 && Math.abs(Number(box[2]) - 842) < 2, `A4: ${box[0]}`);
    assert.ok((text.match(/\/Type\s*\/Page\b/g) || []).length >= 2, 'the report takes several pages');
    // Every page carries its number: "n / pages" in the bottom margin.
    const pages = await pdfPages(pdf);
    assert.ok(pages.length >= 2);
    pages.forEach((pageText, i) => {
      assert.ok(pageText.includes(`${i + 1} / ${pages.length}`), `page ${i + 1} is numbered: ${pageText.slice(-80)}`);
    });
    assert.match(pages[0], /trimestre/, 'the report starts on the first page');
    await page.emulateMedia({ media: 'screen' });

    // Downloads: the report as one HTML file, the CSV of its tables, the anonymous export.
    const html = await download(page, page.getByTestId('rp-download'));
    assert.equal(html.name, 'strada-report-2026-Q3.html');
    assert.match(html.text, /^<!DOCTYPE html>/);
    assert.match(html.text, /3º trimestre 2026/);
    assert.match(html.text, /@page/);
    assert.match(html.text, /<svg/);
    assert.ok(html.text.includes('Raccolta dell&#39;uva') || html.text.includes('Raccolta dell\'uva'));
    assert.doesNotMatch(html.text, /<script/i);

    const csvSeasonal = await download(page, page.getByTestId('rp-csv-seasonal'));
    assert.equal(csvSeasonal.name, 'strada-seasonal-2026-07-01-2026-09-30.csv');
    const seasonalLines = csvSeasonal.text.trim().split(/\r?\n/);
    assert.match(seasonalLines[0], /^month,agriculture,logistics/);
    assert.deepEqual(seasonalLines.slice(1).map((l) => l.split(',')[0]), ['2026-07', '2026-08', '2026-09']);
    const csvNetwork = await download(page, page.getByTestId('rp-csv-network'));
    const networkLines = csvNetwork.text.trim().split(/\r?\n/);
    assert.match(networkLines[0], /^organisation,proposed,sent,answered,accepted/);
    assert.ok(networkLines.length > 2);
    const csvFigures = await download(page, page.getByTestId('rp-csv-figures'));
    assert.match(csvFigures.text, /^figure,value,previous/);
    assert.match(csvFigures.text, new RegExp(`\\ncontacts,${q3Contacts},`));
    const anonymous = await download(page, page.getByTestId('rp-anonymous'));
    assert.equal(anonymous.name, 'strada-anonymous-2026-07-01-2026-09-30.csv');
    const anonymousLines = anonymous.text.trim().split(/\r?\n/);
    assert.equal(anonymousLines[0], 'table,row,column,count');
    assert.ok(anonymousLines.some((l) => l.startsWith('people_by_month_and_sector,2026-07,agriculture,')));
    // Counts of people, each of at least 11 or hidden.
    for (const line of anonymousLines.slice(1)) {
      const n = line.split(',').at(-1);
      assert.ok(n === '' || Number(n) >= 11, `a small cell is hidden: ${line}`);
    }

    // A role that may not write the observations reads them as text.
    const social = await desk(browser, server.url, 'sociale', accounts.sociale.password);
    await openQ3(social.page);
    const text2 = social.page.getByTestId('rp-note-text');
    await text2.filter({ hasText: 'Raccolta dell\'uva' }).waitFor();
    assert.equal(await social.page.getByTestId('rp-note').count(), 0);

    // Two desks at once (a new user's walk: the director's observations went without a
    // word when the central office saved after them): the second to save is told, sees
    // what was saved meanwhile, keeps its own text, and saves it on purpose.
    browser.allow(/http 409: PUT .*\/api\/reports\/notes/, /status of 409/);
    const office = await desk(browser, server.url, 'centrale', accounts.centrale.password);
    await openQ3(office.page);
    await office.page.waitForFunction((text) => document.querySelector('[data-testid="rp-note"]')?.value === text, note);
    const revised = 'Osservazioni riviste dalla direzione (sintetico).';
    await doc.getByTestId('rp-note').fill(revised);
    await doc.getByTestId('rp-note-save').click();
    await doc.getByTestId('rp-note-state').filter({ hasText: 'Osservazioni salvate' }).waitFor();
    const officeDoc = office.page.getByTestId('rp-doc');
    const mine = 'Nota dell\'ufficio centrale (sintetica).';
    await officeDoc.getByTestId('rp-note').fill(mine);
    await officeDoc.getByTestId('rp-note-save').click();
    await officeDoc.getByTestId('rp-note-state').filter({ hasText: 'Nel frattempo direzione' }).waitFor();
    assert.equal(await officeDoc.getByTestId('rp-note-theirs').innerText(), revised);
    assert.equal(await officeDoc.getByTestId('rp-note').inputValue(), mine);
    await officeDoc.getByTestId('rp-note-save').click();
    await officeDoc.getByTestId('rp-note-state').filter({ hasText: 'Osservazioni salvate' }).waitFor();
    assert.equal(await officeDoc.getByTestId('rp-note-theirs').count(), 0);
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
