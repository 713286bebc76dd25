import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { SAFELIVES_TEMPLATE } from './safelives.columns.js';
import { csvField } from './safelives.export.js';
import { EXPECTED, QUARTER, seedSafeLivesFixture, type SafeLivesFixture } from './safelives.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example';
const ANALYST = 'analyst@demo.harbour.example';
const IDVA = 'idva@demo.harbour.example';
const URL = `/marac/safelives-return?quarter=${QUARTER}`;

const headings = ['Meeting date', 'Area', ...SAFELIVES_TEMPLATE.columns.map((c) => c.heading)];

/** The table's cells, row by row: the measure's heading, then its count at each meeting and the total. */
function tableRows(html: string): string[][] {
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!
        .replace(/<[^>]+>/g, '')
        .replace(/&#39;/g, "'")
        .trim(),
    ),
  );
}

describe('SafeLives quarterly return pages', () => {
  let t: TestApp;
  let fixture: SafeLivesFixture;
  const clients: Record<string, WebClient> = {};
  const db = () => t.database.db;
  const auditRows = (action: string) =>
    db().selectFrom('audit_events').select(['action', 'outcome', 'details']).where('action', '=', action).orderBy('seq').execute();

  before(async () => {
    t = await createTestApp();
    fixture = await seedSafeLivesFixture(db(), t.partnershipId);
    for (const [i, email] of [COORDINATOR, ANALYST, IDVA].entries()) {
      clients[email] = new WebClient(t.app, `10.21.0.${i + 1}`);
      await clients[email].signIn(email);
    }
  });
  after(() => t.close());

  it('shows each meeting’s counts and the total, with download links for the same choice', async () => {
    const response = await clients[COORDINATOR]!.get(URL);
    assert.equal(response.statusCode, 200);
    const html = response.body;
    assert.match(html, /<h2 class="govuk-heading-m">July to September 2026 \(2026-Q3\)<\/h2>/);
    assert.match(html, /Meetings held from 1 July 2026 to 30 September 2026, in every area\./);
    assert.match(html, /<option value="2026-Q3" selected>July to September 2026 \(2026-Q3\)<\/option>/);
    assert.match(
      html,
      /8 July 2026<br><span class="govuk-body-s">Northfield[\s\S]*12 August 2026<br><span class="govuk-body-s">Riverside[\s\S]*30 September 2026/,
    );
    const rows = tableRows(html);
    assert.deepEqual(
      rows,
      SAFELIVES_TEMPLATE.columns.map((c, i) => [c.heading, ...[EXPECTED.m1[i], EXPECTED.m2[i], EXPECTED.m3[i], EXPECTED.total[i]].map(String)]),
    );
    assert.match(html, /href="\/marac\/safelives-return.xlsx\?quarter=2026-Q3"/);
    assert.match(html, /href="\/marac\/safelives-return.csv\?quarter=2026-Q3"/);
    assert.doesNotMatch(html, /This quarter ends on/, 'a finished quarter has no warning');

    const riverside = (await clients[ANALYST]!.get(`${URL}&area=${fixture.areas.RIVERSIDE}`)).body;
    assert.match(riverside, /in Riverside\./);
    assert.match(riverside, new RegExp(`<option value="${fixture.areas.RIVERSIDE}" selected>Riverside</option>`));
    assert.deepEqual(
      tableRows(riverside).map((r) => r.slice(1)),
      EXPECTED.m2.map((n) => [String(n), String(n)]),
    );
    assert.match(riverside, new RegExp(`safelives-return.csv\\?quarter=2026-Q3&amp;area=${fixture.areas.RIVERSIDE}`));
  });

  it('without a quarter shows the last complete one; the quarter under way says it is not over', async () => {
    const html = (await clients[COORDINATOR]!.get('/marac/safelives-return')).body;
    assert.match(html, /<option value="[0-9]{4}-Q[1-4]" selected>/);
    const selected = /<option value="([0-9]{4}-Q[1-4])" selected>/.exec(html)![1]!;
    const current = /<option value="([0-9]{4}-Q[1-4])"[^>]*>[^<]*, to date<\/option>/.exec(html)![1]!;
    assert.notEqual(selected, current, 'the default is the quarter before the current one');
    const underWay = (await clients[COORDINATOR]!.get(`/marac/safelives-return?quarter=${current}`)).body;
    assert.match(underWay, /This quarter ends on [0-9]{1,2} [A-Z][a-z]+ [0-9]{4}: the counts will change until then\./);
  });

  it('answers a quarter it cannot read with the form and an error summary (400), and counts nothing', async () => {
    const before = (await auditRows('marac.safelives_return.view')).length;
    for (const [query, message] of [
      ['quarter=2026-Q5', 'Select a quarter from the list'],
      ['quarter=last%20summer', 'Select a quarter from the list'],
      ['quarter=1999-Q4', 'Select a quarter from the list'],
      ['quarter=2999-Q1', 'Select a quarter that has started'],
      [`quarter=${QUARTER}&area=nowhere`, 'Select an area from the list'],
      [`quarter=${QUARTER}&area=00000000-0000-4000-8000-000000000000`, 'Select an area from the list'],
    ] as const) {
      const response = await clients[COORDINATOR]!.get(`/marac/safelives-return?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.deepEqual(errorSummary(response.body), [message], query);
      assert.match(response.body, /<title>Error: SafeLives quarterly return – Harbour<\/title>/, query);
      const field = message.includes('area') ? 'area' : 'quarter';
      assert.match(response.body, new RegExp(`href="#${field}"`), query);
      assert.match(response.body, new RegExp(`<p id="${field}-error" class="govuk-error-message">`), query);
      assert.doesNotMatch(response.body, /<table/, query);
    }
    assert.equal((await auditRows('marac.safelives_return.view')).length, before, 'nothing counted, nothing recorded as viewed');
    const download = await clients[COORDINATOR]!.get('/marac/safelives-return.csv?quarter=2026-Q9');
    assert.equal(download.statusCode, 400);
    assert.match(download.body, /Select a quarter from the list/);
  });

  it('downloads the same figures as CSV, exactly, with a file name for the quarter', async () => {
    const response = await clients[COORDINATOR]!.get(`/marac/safelives-return.csv?quarter=${QUARTER}`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(response.headers['content-disposition'], 'attachment; filename="safelives-return-2026-Q3.csv"');
    assert.equal(response.headers['cache-control'], 'no-store');
    const lines = [
      headings.map(csvField).join(','),
      ['2026-07-08', 'Northfield', ...EXPECTED.m1].join(','),
      ['2026-08-12', 'Riverside', ...EXPECTED.m2].join(','),
      ['2026-09-30', 'Northfield', ...EXPECTED.m3].join(','),
      ['Total', 'All areas', ...EXPECTED.total].join(','),
    ];
    assert.equal(response.body, `\ufeff${lines.join('\r\n')}\r\n`);
    assert.match(lines[0]!, /,"Victims who are Black, Asian or racially minoritised",/, 'a heading with a comma is quoted');

    const northfield = await clients[COORDINATOR]!.get(`/marac/safelives-return.csv?quarter=${QUARTER}&area=${fixture.areas.NORTHFIELD}`);
    assert.equal(northfield.headers['content-disposition'], 'attachment; filename="safelives-return-2026-Q3-northfield.csv"');
    assert.deepEqual(
      northfield.body
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]),
      ['2026-07-08', '2026-09-30', 'Total'],
    );
  });

  it('quotes CSV fields that need it and defuses text a spreadsheet would run as a formula', () => {
    assert.equal(csvField('Northfield'), 'Northfield');
    assert.equal(csvField(12), '12');
    assert.equal(csvField('Children’s social care, north'), '"Children’s social care, north"');
    assert.equal(csvField('The "Old" Town'), '"The ""Old"" Town"');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(' padded'), '" padded"');
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('-1+2'), "'-1+2");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  });

  it('downloads an XLSX that reads back with the same headings and numbers', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/marac/safelives-return.xlsx?quarter=${QUARTER}`,
      headers: { cookie: `harbour_session=${clients[ANALYST]!.sessionCookie()}` },
      remoteAddress: '10.21.0.2',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(response.headers['content-disposition'], 'attachment; filename="safelives-return-2026-Q3.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('SafeLives 2026-Q3')!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    assert.deepEqual(values(1), headings);
    assert.deepEqual(values(2), [new Date('2026-07-08T00:00:00Z'), 'Northfield', ...EXPECTED.m1]);
    assert.deepEqual(values(3), [new Date('2026-08-12T00:00:00Z'), 'Riverside', ...EXPECTED.m2]);
    assert.deepEqual(values(4), [new Date('2026-09-30T00:00:00Z'), 'Northfield', ...EXPECTED.m3]);
    assert.deepEqual(values(5), ['Total', 'All areas', ...EXPECTED.total]);
    assert.equal(sheet.rowCount, 5);
    assert.equal(sheet.getCell('A2').numFmt, 'dd/mm/yyyy');
    const about = workbook.getWorksheet('About')!;
    assert.deepEqual((about.getRow(1).values as unknown[]).slice(1), ['Quarter', QUARTER]);
    assert.deepEqual((about.getRow(7).values as unknown[]).slice(1), ['Template version', SAFELIVES_TEMPLATE.version]);
  });

  it('audits each view and download, and refuses staff without the permission (403)', async () => {
    const views = await auditRows('marac.safelives_return.view');
    const downloads = await auditRows('marac.safelives_return.download');
    assert.ok(views.length >= 2 && views.every((v) => v.outcome === 'success'));
    assert.deepEqual(
      downloads.map((d) => (d.details as { format: string }).format),
      ['csv', 'csv', 'xlsx'],
    );
    assert.deepEqual(downloads[1]!.details, {
      quarter: QUARTER,
      areaId: fixture.areas.NORTHFIELD,
      format: 'csv',
      templateVersion: SAFELIVES_TEMPLATE.version,
      meetings: 2,
    });

    for (const url of [URL, `/marac/safelives-return.csv?quarter=${QUARTER}`, `/marac/safelives-return.xlsx?quarter=${QUARTER}`]) {
      const refused = await clients[IDVA]!.get(url);
      assert.equal(refused.statusCode, 403, url);
      assert.doesNotMatch(refused.body, /Number of cases discussed/, url);
    }
    const signedOut = await t.app.inject({ method: 'GET', url: URL });
    assert.equal(signedOut.statusCode, 303);
    assert.equal((await auditRows('marac.safelives_return.download')).length, downloads.length, 'a refused download is not a download');
  });

  it('is linked from the home page and the meetings list for those who may read it', async () => {
    assert.match((await clients[ANALYST]!.get('/')).body, /href="\/marac\/safelives-return"/);
    assert.match((await clients[COORDINATOR]!.get('/marac')).body, /href="\/marac\/safelives-return"/);
    assert.doesNotMatch((await clients[IDVA]!.get('/')).body, /safelives-return/);
    assert.doesNotMatch((await clients[IDVA]!.get('/marac')).body, /safelives-return/);
  });
});
