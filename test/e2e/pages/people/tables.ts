import type { Locator } from 'playwright-core';

/** A table's body as rows of cell text, whitespace collapsed; a <br> inside a cell becomes " | ". */
export function tableRows(table: Locator): Promise<string[][]> {
  // No named helper inside: tsx would wrap it in a __name() call the browser does not have.
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => {
        const copy = td.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('br').forEach((br) => br.replaceWith(' | '));
        copy.querySelectorAll('.govuk-visually-hidden').forEach((hidden) => hidden.remove());
        return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
      }),
    ),
  );
}

/** A GOV.UK summary list as key → value; a value of several paragraphs is joined with " | ". */
export function summaryList(list: Locator): Promise<Record<string, string>> {
  return list.locator('.govuk-summary-list__row').evaluateAll((rows) =>
    Object.fromEntries(
      rows.map((row) => {
        const value = row.querySelector('.govuk-summary-list__value');
        const paragraphs = [...(value?.querySelectorAll('p, li') ?? [])].map((p) => p.textContent ?? '');
        const text = paragraphs.length ? paragraphs.join(' | ') : (value?.textContent ?? '');
        return [(row.querySelector('dt')?.textContent ?? '').trim(), text.replace(/\s+/g, ' ').trim()];
      }),
    ),
  );
}
