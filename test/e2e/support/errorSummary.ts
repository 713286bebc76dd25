import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

type SummaryLink = { text: string; id: string; tag: string | null; position: number };

/**
 * The GOV.UK error summary pattern, checked in a browser with JavaScript: the page title starts "Error:",
 * the summary has focus when the page loads, each message is worded as the one beside its field, each link
 * goes to a form field (for a date, its first input), the list is in the order of the fields on the page,
 * and following a link puts focus in that field.
 */
export async function checkErrorSummary(page: Page): Promise<string[]> {
  assert.match(await page.title(), /^Error: /, 'the page title starts with "Error: "');
  const summaryFocused = await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary') ?? false);
  assert.ok(summaryFocused, 'the error summary has focus when the page loads');

  const links: SummaryLink[] = await page.locator('.govuk-error-summary__list a').evaluateAll((anchors) => {
    const fields = [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')];
    return anchors.map((a) => {
      const id = decodeURIComponent((a as HTMLAnchorElement).hash.slice(1));
      const target = document.getElementById(id);
      return { text: (a.textContent ?? '').trim(), id, tag: target ? target.tagName.toLowerCase() : null, position: target ? fields.indexOf(target) : -1 };
    });
  });
  assert.ok(links.length > 0, 'the error summary lists at least one problem');

  const inline = (await page.locator('main .govuk-error-message').allInnerTexts()).map((m) => m.replace(/^Error:\s*/, '').trim());
  for (const link of links) {
    assert.ok(inline.includes(link.text), `"${link.text}" is also shown beside its field (inline messages: ${JSON.stringify(inline)})`);
    assert.ok(link.position >= 0, `"${link.text}" links to #${link.id}, which is ${link.tag ? `a <${link.tag}>` : 'not on the page'}, not a form field`);
  }
  const inPageOrder = [...links].sort((a, b) => a.position - b.position).map((l) => l.text);
  assert.deepEqual(
    links.map((l) => l.text),
    inPageOrder,
    'the error summary lists problems in the order of the fields on the page',
  );

  for (const link of links) {
    await page.locator('.govuk-error-summary__list a').filter({ hasText: link.text }).click();
    const focusedId = await page.evaluate(() => document.activeElement?.id ?? '');
    assert.equal(focusedId, link.id, `following "${link.text}" puts focus in its field`);
  }
  return links.map((l) => l.text);
}
