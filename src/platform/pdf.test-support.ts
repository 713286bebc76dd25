import zlib from 'node:zlib';

/**
 * The text of a PDF made by platform/pdf.ts, as a reader sees it, for tests: each page's content stream is inflated,
 * every string it shows is mapped back to characters through its font's ToUnicode map (the fonts are embedded
 * subsets, so the bytes are glyph numbers, not letters), and a new line starts where the baseline moves. Each page
 * reads as its content, then its header and footer.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<string, string>();
  for (const match of source.matchAll(/(?:^|\n)(\d+) 0 obj\b([\s\S]*?)\nendobj/g)) objects.set(match[1]!, match[2]!);

  const streamOf = (body: string): string => {
    const start = body.indexOf('stream\n');
    const end = body.lastIndexOf('\nendstream');
    if (start < 0 || end < 0) return '';
    const bytes = Buffer.from(body.slice(start + 'stream\n'.length, end), 'latin1');
    return (/\/FlateDecode/.test(body.slice(0, start)) ? zlib.inflateSync(bytes) : bytes).toString('latin1');
  };

  // Resource name (F1, F2…) → the font's ToUnicode map.
  const maps = new Map<string, Map<number, string>>();
  for (const [name, objectNumber] of new Map([...source.matchAll(/\/(F\d+) (\d+) 0 R/g)].map((m) => [m[1]!, m[2]!]))) {
    const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(objectNumber) ?? '')?.[1];
    if (toUnicode) maps.set(name, parseToUnicode(streamOf(objects.get(toUnicode) ?? '')));
  }

  let text = '';
  let lastY: string | null = null;
  for (const body of objects.values()) {
    if (!/stream\n/.test(body) || /\/Type \/(XObject|Font)|\/Length1|\/Subtype/.test(body.slice(0, body.indexOf('stream\n')))) continue;
    const content = streamOf(body);
    if (!content.includes(' Tf')) continue;
    let font: Map<number, string> | undefined;
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|[\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ ([\d.-]+) Tm|\[(.*?)\] TJ/g)) {
      if (op[1]) font = maps.get(op[1]);
      else if (op[2] !== undefined) {
        if (lastY !== null && op[2] !== lastY) text += '\n';
        // pdfmake writes each word (with its space) on its own; table cells on one row get a space between them.
        else if (text && !/[\s-]$/.test(text)) text += ' ';
        lastY = op[2];
      } else if (op[3] !== undefined && font) {
        for (const hex of op[3].matchAll(/<([0-9a-f]+)>/gi)) {
          for (let i = 0; i < hex[1]!.length; i += 4) text += font.get(parseInt(hex[1]!.slice(i, i + 4), 16)) ?? '\ufffd';
        }
      }
    }
    text += '\n';
    lastY = null;
  }
  return text;
}

function unicode(hex: string): string {
  return hex
    .split(/\s+/)
    .filter(Boolean)
    .map((unit) => String.fromCharCode(parseInt(unit, 16)))
    .join('');
}

function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const line of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f ]+>)/gi)) {
      const low = parseInt(line[1]!, 16);
      const high = parseInt(line[2]!, 16);
      if (line[3]!.startsWith('[')) {
        [...line[3]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((target, i) => map.set(low + i, unicode(target[1]!)));
      } else {
        const first = parseInt(line[3]!.slice(1, -1), 16);
        for (let code = low; code <= high; code++) map.set(code, String.fromCharCode(first + code - low));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const line of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f ]+)>/gi)) map.set(parseInt(line[1]!, 16), unicode(line[2]!));
  }
  return map;
}

/** The PDF's document information (Title, Author, Subject, Keywords…), as plain strings. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const source = pdf.toString('latin1');
  const objects = new Map([...source.matchAll(/(?:^|\n)(\d+) 0 obj\s*([\s\S]*?)\nendobj/g)].map((m) => [m[1]!, m[2]!.trim()]));
  const infoRef = /\/Info (\d+) 0 R/.exec(source)?.[1];
  const info = objects.get(infoRef ?? '') ?? '';
  const read = (value: string): string => {
    if (value.startsWith('<')) {
      // UTF-16BE with a byte order mark: PDFKit's way of writing text that is not plain ASCII.
      const bytes = Buffer.from(value.slice(1, -1), 'hex');
      return bytes.subarray(2).swap16().toString('utf16le');
    }
    return value.slice(1, -1).replace(/\\([()\\])/g, '$1');
  };
  return Object.fromEntries(
    [...info.matchAll(/\/(\w+) (\d+) 0 R/g)].map((m) => [m[1]!, read(objects.get(m[2]!) ?? '')] as [string, string]).filter(([, v]) => v !== ''),
  );
}
