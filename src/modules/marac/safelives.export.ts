import ExcelJS from 'exceljs';
import type { SafeLivesReturn } from './safelives.service.js';

/**
 * The SafeLives return as files: CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read it as
 * UTF-8) and XLSX. One row per meeting, then the total; the same headings and numbers as the page.
 */

export const MEETING_DATE_HEADING = 'Meeting date';
export const AREA_HEADING = 'Area';
export const TOTAL_LABEL = 'Total';

type Cell = string | number;

/** The return as a table: headings, then one row per meeting (ISO date, area, counts), then the total. */
export function returnTable(found: SafeLivesReturn): { headings: string[]; rows: Cell[][] } {
  return {
    headings: [MEETING_DATE_HEADING, AREA_HEADING, ...found.columns.map((c) => c.heading)],
    rows: [...found.meetings.map((m) => [m.meetingDate!, m.areaName!, ...m.counts]), [TOTAL_LABEL, found.area?.name ?? 'All areas', ...found.total]],
  };
}

/**
 * One CSV field: text a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) is
 * prefixed with an apostrophe; a field with a comma, quote or line break, or space at either end, is quoted.
 */
export function csvField(value: Cell): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function returnCsv(found: SafeLivesReturn): string {
  const { headings, rows } = returnTable(found);
  return `\ufeff${[headings, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export async function returnXlsx(found: SafeLivesReturn): Promise<Buffer> {
  const { headings, rows } = returnTable(found);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Harbour';
  const sheet = workbook.addWorksheet(`SafeLives ${found.quarter.id}`);
  sheet.addRow(headings).font = { bold: true };
  for (const row of rows) {
    // Meeting dates as real dates (midnight UTC, shown day/month/year); the total row's label stays text.
    const [first, ...rest] = row;
    sheet.addRow([/^\d{4}-\d{2}-\d{2}$/.test(String(first)) ? new Date(`${first}T00:00:00Z`) : first, ...rest]);
  }
  sheet.getColumn(1).numFmt = 'dd/mm/yyyy';
  sheet.getColumn(1).width = 14;
  sheet.getColumn(2).width = 20;
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 1 }];

  const about = workbook.addWorksheet('About');
  about.addRows([
    ['Quarter', found.quarter.id],
    ['Meetings held from', found.quarter.from],
    ['Meetings held to', found.countedTo],
    ['Quarter complete', found.complete ? 'Yes' : 'No: the quarter is not over'],
    ['Area', found.area?.name ?? 'All areas'],
    ['Template', found.template.template],
    ['Template version', found.template.version],
  ]);
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 70;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
