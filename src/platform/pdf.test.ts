import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { details, heading, label, paragraph, renderDocument, table } from './pdf.js';
import { pdfInfo, pdfText } from './pdf.test-support.js';

const shell = {
  title: 'Agenda: Northfield MARAC, 3 December 2026',
  lines: ['Prepared on 1 December 2026 at 09:00 by Tasha Greenwood'],
  subject: 'MARAC agenda',
  author: 'Tasha Greenwood (Harbourshire Council Community Safety)',
  distribution: 'Do not copy or forward this document.',
};

describe('the PDF document shell', () => {
  it('marks every page OFFICIAL-SENSITIVE at the top and bottom and numbers the pages', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`CASE-${i + 1}`, `Row ${i + 1}`]);
    const pdf = await renderDocument(shell, [heading('Cases'), table(['Case', 'Note'], rows, { empty: 'None.' })]);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(pdf);
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    assert.ok(pages >= 3, `a long table runs over several pages (${pages})`);
    for (let page = 1; page <= pages; page++) assert.match(text, new RegExp(`OFFICIAL-SENSITIVE\\nPage ${page} of ${pages}`), `page ${page}'s footer`);
    assert.equal(text.match(/OFFICIAL-SENSITIVE/g)?.length, pages * 2, 'once at the top and once at the bottom of every page');
    assert.match(text, /CASE-1 Row 1\n/);
    assert.match(text, /CASE-120 Row 120\n/);
    assert.equal(text.match(/Case Note/g)?.length, pages, 'the header row repeats on every page');
  });

  it('puts the handling box under the title and again at the end, and names the document, not a person, in its metadata', async () => {
    const pdf = await renderDocument(shell, [details([['Where', 'Civic Centre']]), paragraph('Body text.')]);
    const text = pdfText(pdf);
    assert.match(
      text,
      /Agenda: Northfield MARAC, 3 December 2026\nPrepared on 1 December 2026 at 09:00 by Tasha Greenwood\nHandling this document\nDo not copy or forward this document\.\nWhere Civic Centre\nBody text\.\nHandling this document\nDo not copy or forward this document\./,
    );
    const info = pdfInfo(pdf);
    assert.equal(info.Title, shell.title);
    assert.equal(info.Subject, 'MARAC agenda');
    assert.equal(info.Author, shell.author);
    assert.equal(info.Keywords, 'OFFICIAL-SENSITIVE');
    assert.equal(info.Creator, 'Harbour');
  });

  it('keeps names outside Windows-1252 intact and says so when a table is empty', async () => {
    const pdf = await renderDocument(shell, [
      paragraph('Łukasz Wójcik, Ørjan Ødegård, Şükrü Çelik: “quoted” – dashed'),
      table(['Case'], [], { empty: 'No cases.' }),
    ]);
    const text = pdfText(pdf);
    assert.match(text, /Łukasz Wójcik, Ørjan Ødegård, Şükrü Çelik: “quoted” – dashed/);
    assert.match(text, /No cases\./);
    assert.doesNotMatch(text, /\ufffd/);
  });

  it('never leaves a heading or a label as the last thing on a page', async () => {
    let pushed = 0;
    // Moves the label down the first page a few points at a time, past the place where it fits and its text does not.
    for (let gap = 560; gap <= 660; gap += 4) {
      const text = pdfText(await renderDocument(shell, [{ text: 'Top', margin: [0, 0, 0, gap] }, label('The IDVA’s view'), paragraph('What she wants.')]));
      assert.match(text, /The IDVA’s view\nWhat she wants\./, `with the label ${gap} points down`);
      if (text.includes('Page 1 of 2\nThe IDVA’s view')) pushed++;
    }
    assert.ok(pushed > 0, 'the label went over to the next page with its text');
  });
});
