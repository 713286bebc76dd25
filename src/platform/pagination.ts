/**
 * GOV.UK pagination for ?page=n lists, keeping the list's other filters. Long lists show the first and last pages,
 * the pages either side of the current one and ellipses between, as the design system recommends.
 */
export function pagination(base: string, filters: Record<string, string | undefined>, current: number, total: number, pageSize: number) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const kept = Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const link = (n: number) => `${base}?${new URLSearchParams({ ...kept, page: String(n) })}`;
  const shown = [...new Set([1, current - 1, current, current + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: link(n), current: n === current });
  });
  return {
    previous: current > 1 ? { href: link(current - 1) } : undefined,
    next: current < pages ? { href: link(current + 1) } : undefined,
    items,
  };
}
