// Budget (issue 3, Acceptance): the contacts list shows its first page within 300 ms of a
// navigation, on the demo data. Measured in the page with the Performance API: a mark at
// the click on nav-contacts, then the first frame after the first list-row is in the
// document. Ten runs; median and max go to test-results/perf.json for scripts/budget.sh.
import fs from 'node:fs';
import path from 'node:path';
import { USERS, apiLogIn, expect, test } from './fixtures';

const RUNS = 10;
export const BUDGET_MS = 300;

declare global {
  interface Window {
    __oubliFirstRow?: Promise<number>;
  }
}

test.describe('performance', () => {
  test('la liste des contacts affiche sa première page en moins de 300 ms', async ({
    page,
    shell,
  }) => {
    test.setTimeout(120_000);
    await apiLogIn(page, USERS.admin);
    await page.goto('/tasks');
    await expect(shell.navContacts).toBeVisible();

    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Start from another page, with no list row in the document.
      await shell.navTasks.click();
      await expect(page).toHaveURL(/\/tasks$/);
      await expect(page.getByTestId('list-row')).toHaveCount(0);

      await page.evaluate(() => {
        const link = document.querySelector('[data-testid="nav-contacts"]')!;
        window.__oubliFirstRow = new Promise<number>((resolve) => {
          let start = 0;
          const seen = () => {
            if (!start || !document.querySelector('[data-testid="list-row"]')) return false;
            observer.disconnect();
            // The row is in the document: wait for the frame that paints it.
            requestAnimationFrame(() => {
              performance.mark('contacts-first-row');
              resolve(performance.measure('contacts-first-page', 'contacts-nav-click', 'contacts-first-row').duration);
            });
            return true;
          };
          const observer = new MutationObserver(seen);
          link.addEventListener(
            'click',
            () => {
              performance.clearMarks();
              performance.clearMeasures();
              performance.mark('contacts-nav-click');
              start = performance.now();
              observer.observe(document.body, { childList: true, subtree: true });
              seen();
            },
            { once: true, capture: true },
          );
        });
      });
      await shell.navContacts.click();
      await expect(page.getByTestId('list-row').first()).toBeVisible();
      const ms = await page.evaluate(() => window.__oubliFirstRow!);
      samples.push(Math.round(ms * 10) / 10);
    }

    const sorted = [...samples].sort((a, b) => a - b);
    const median = (sorted[(RUNS - 1) >> 1] + sorted[RUNS >> 1]) / 2;
    const max = sorted[RUNS - 1];
    const total = (await (await page.request.get('/api/v1/contacts?limit=1')).json()).total;
    const result = {
      measure: 'contacts list: click on nav-contacts → first frame with a list-row',
      runs: RUNS,
      samples_ms: samples,
      median_ms: median,
      max_ms: max,
      budget_ms: BUDGET_MS,
      contacts_total: total,
      measured_at: new Date().toISOString(),
    };
    console.log(
      `contacts list first page: median ${median} ms, max ${max} ms over ${RUNS} runs ` +
        `(budget ${BUDGET_MS} ms, ${total} contacts) samples=${samples.join(', ')}`,
    );
    const out = path.join(__dirname, 'test-results', 'perf.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    test.info().annotations.push({ type: 'perf', description: `median ${median} ms, max ${max} ms` });

    expect(median, `median over ${RUNS} runs`).toBeLessThanOrEqual(BUDGET_MS);
  });
});
