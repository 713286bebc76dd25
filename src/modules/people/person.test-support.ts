/** The hidden fields of the page's form that posts to `action`, as a browser would post them (entities decoded). */
export function hiddenFields(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form posts to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const decode = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#x2F;/g, '/')
      .replace(/&#x2B;/g, '+')
      .replace(/&amp;/g, '&');
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decode(m[2]!)]);
}

/** Fields as WebClient.post takes them, a repeated name (checkboxes) as a list, with `extra` added or replaced. */
export function asForm(fields: [string, string][], extra: Record<string, string> = {}): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of fields) {
    const seen = form[name];
    form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { ...form, ...extra };
}
