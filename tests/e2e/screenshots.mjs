// The README's screenshots: a server over a fresh demo data folder (`strada-server demo`),
// Debian's Chromium, a field worker on a 390×844 phone and the central office on a
// desktop window. Run with `cargo xtask screenshots` (writes docs/screenshots/*.png).
// Not a test: node's test runner does not pick it up (no `.test.` in the name).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  fillDemo, launchBrowser, removeDir, startServer, stopServer, tempDir,
} from './helpers.mjs';

const OUT = process.env.STRADA_SCREENSHOTS_DIR || join(process.cwd(), 'docs', 'screenshots');
const WORKER = 'giulia.bg'; // team bergamo-1
const CENTRAL = 'centrale';
// Piazza Vittorio Veneto, Bergamo: inside the worker's territory.
const BERGAMO = { latitude: 45.6953, longitude: 9.6700, accuracy: 12 };
const MAX_BYTES = 150 * 1024;

async function shot(page, name, options = {}) {
  await page.evaluate(() => document.fonts.ready);
  if (!options.keepScroll) await page.evaluate(() => window.scrollTo(0, 0));
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, type: 'png' });
  const size = statSync(path).size;
  console.log(`${path}: ${size} bytes`);
  if (size > MAX_BYTES) throw new Error(`${name}.png is ${size} bytes (> ${MAX_BYTES})`);
}

/** Signs in through the form; then waits for the first sync to bring the demo. */
async function signIn(page, username, password) {
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByTestId('net-status').waitFor({ timeout: 30000 });
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="last-sync"]');
    return s && Number(s.dataset.ms) > 0;
  }, null, { timeout: 120000 });
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const data = tempDir('strada-screenshots-');
  // A fixed day: the demo is the same for the same seed on the same day, and the
  // pictures pick records by name.
  const passwords = fillDemo(data, ['--seed', '1', '--today', '2026-12-01']);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      geolocation: BERGAMO,
      permissions: ['geolocation'],
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
    });
    const page = await phone.newPage();
    await page.goto(`${server.url}/`);

    // 1. Sign-in.
    await page.getByLabel('Nome utente').waitFor({ timeout: 30000 });
    await page.getByLabel('Nome utente').fill(WORKER);
    await shot(page, '01-sign-in');
    await signIn(page, WORKER, passwords[WORKER].password);
    await page.getByTestId('contact-row').first().waitFor({ timeout: 60000 });

    // 2. The contact form: a known person picked, a need ticked, services suggested.
    await page.getByTestId('who-person').check();
    await page.getByLabel('Alias o soprannome').fill('Mam');
    await page.getByTestId('pick-person').first().click();
    await page.getByTestId('picked-person').waitFor();
    await page.getByTestId('need-shelter').check();
    await page.getByTestId('refer-shelter').click();
    const picker = page.getByTestId('service-picker-shelter');
    await picker.getByTestId('pick-service').first().waitFor();
    // The form is longer than a phone screen: a taller phone, from the person to the
    // first proposed service, framed by the app's status bar and tabs as on the phone.
    const abs = (box) => page.evaluate((y) => y + window.scrollY, box.y);
    const formTop = await abs(await page.getByTestId('contact-form').boundingBox());
    const firstService = await picker.getByTestId('pick-service').first().boundingBox();
    const serviceBottom = (await abs(firstService)) + firstService.height;
    const bars = await page.evaluate(() => ({
      top: document.querySelector('header.status')?.getBoundingClientRect().height ?? 0,
      bottom: document.querySelector('nav.tabs')?.getBoundingClientRect().height ?? 0,
    }));
    const height = Math.ceil(bars.top + (serviceBottom - formTop) + bars.bottom + 24);
    await page.setViewportSize({ width: 390, height });
    await page.evaluate(([y]) => window.scrollTo(0, y), [formTop - bars.top - 8]);
    await shot(page, '02-contact-form', { keepScroll: true });
    await page.setViewportSize({ width: 390, height: 844 });

    // 3. Persons: "Mohamed" finds Muhammad, Mohammed and محمد.
    await page.getByTestId('tab-persons').click();
    await page.getByTestId('person-search').fill('Mohamed');
    await page.getByTestId('person-row').first().waitFor();
    await shot(page, '03-persons-search');

    // 4. Referrals: those waiting for the partner's feedback first.
    await page.getByTestId('tab-referrals').click();
    await page.getByTestId('waiting-list').locator('li').first().waitFor();
    await shot(page, '04-referrals');

    // 5. Services near the worker, offline-ready.
    await page.getByTestId('nav-services').click();
    await page.getByTestId('service-row').first().waitFor({ timeout: 30000 });
    await page.getByTestId('svc-need-food').click();
    // The ranked list, under the status bar (the need filters are above it).
    await page.getByTestId('service-list').evaluate((el) => {
      const bar = document.querySelector('header.status')?.getBoundingClientRect().height ?? 0;
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - bar - 8);
    });
    await shot(page, '05-services', { keepScroll: true });
    await phone.close();

    // 6. The central office's records, on a desktop window.
    const desk = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
    });
    const central = await desk.newPage();
    await central.goto(`${server.url}/`);
    await signIn(central, CENTRAL, passwords[CENTRAL].password);
    await central.goto(`${server.url}/#/centrale`);
    await central.getByTestId('central-row').first().waitFor({ timeout: 60000 });
    // The central office's device pulls every team's documents: wait until it is done.
    await central.getByTestId('net-status').filter({ hasText: 'In linea' }).waitFor({ timeout: 120000 });
    // The workspace: persons found by a name, one opened beside the list.
    await central.getByTestId('ws-tab-persons').click();
    await central.getByTestId('ws-q').fill('Mohamed');
    await central.getByTestId('ws-apply').click();
    await central.getByTestId('ws-person-row').first().waitFor({ timeout: 30000 });
    await central.getByTestId('ws-person-row').first().click();
    await central.getByTestId('ws-person-name').waitFor({ timeout: 30000 });
    await shot(central, '06-central-records');
    await desk.close();

    // 7. A case, as the social-services expert sees it: the cases with overdue reviews
    // first, one opened beside the list.
    const caseDesk = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
    });
    const social = await caseDesk.newPage();
    await social.goto(`${server.url}/`);
    await signIn(social, 'sociale', passwords.sociale.password);
    await social.goto(`${server.url}/#/centrale`);
    await social.getByTestId('workspace').waitFor({ timeout: 60000 });
    await social.getByTestId('ws-tab-cases').click();
    await social.getByTestId('case-row').first().waitFor({ timeout: 30000 });
    await social.getByTestId('case-row').nth(2).click();
    await social.getByTestId('case-view').getByTestId('case-pip').waitFor({ timeout: 30000 });
    await shot(social, '07-case');
    await caseDesk.close();
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
