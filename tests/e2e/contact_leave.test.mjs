// Leaving the contact page while it looks for the phone's position: the lookup that
// fails afterwards (no fix, a timeout) must not touch the page that is gone. Found by a
// review: it read the page's state after the answer, and Leptos panics on a value
// already disposed ("a reactive value already disposed", a console error here). The
// position is the one thing played: the phone's sensor answers "unavailable" late.
import { test } from './helpers.mjs';
import {
  addUser, launchBrowser, phoneContext, removeDir, signIn, startServer, stopServer, tempDir,
} from './helpers.mjs';

const PW = 'synthetic-pw-leave';

test('leaving the contact page while the position is looked up', async () => {
  const data = tempDir('strada-e2e-leave-');
  addUser(data, 'marta', 'field_worker', 'bergamo-1', PW);
  const server = await startServer(data);
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    // The sensor finds nothing, and says so after 1.5 s.
    await context.addInitScript(() => {
      navigator.geolocation.getCurrentPosition = (_ok, fail) => {
        setTimeout(() => fail({ code: 2, message: 'position unavailable (synthetic)' }), 1500);
      };
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await signIn(page, 'marta', PW);
    await page.getByTestId('contact-form').waitFor();
    // Away at once, before the sensor answers; then the answer comes.
    await page.getByTestId('nav-services').click();
    await page.getByTestId('contact-form').waitFor({ state: 'detached' });
    await page.waitForTimeout(2500);
    // And back: the form asks again, and says the position is unavailable.
    await page.goBack();
    await page.getByTestId('contact-form').waitFor();
    await page.getByTestId('place-status').filter({ hasText: 'Posizione non disponibile' })
      .waitFor({ state: 'attached', timeout: 10000 });
  } finally {
    await browser.close();
    await stopServer(server.proc);
    removeDir(data);
  }
});
