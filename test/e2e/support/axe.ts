import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
};

/**
 * The one finding accepted, on its exact elements: GOV.UK Frontend marks a radio or checkbox that reveals a
 * conditional question with aria-expanded, which ARIA 1.2 does not list for those roles, so axe reports
 * aria-allowed-attr. GOV.UK keeps it on purpose after testing with screen reader users (alphagov/govuk-frontend#979)
 * and Harbour follows the Design System's conditional reveal pattern. Any other attribute, rule or element fails.
 */
function acceptedNode(ruleId: string, node: { html: string; failureSummary?: string }): boolean {
  return (
    ruleId === 'aria-allowed-attr' &&
    /class="govuk-(radios|checkboxes)__input"/.test(node.html) &&
    /aria-expanded/.test(node.failureSummary ?? '') &&
    !/aria-(?!expanded)[a-z]+=/.test((node.failureSummary ?? '').replace(/aria-expanded="[a-z]+"/g, ''))
  );
}

declare global {
  interface Window {
    axe?: { run(context: Document, options: object): Promise<{ violations: Violation[]; passes: unknown[] }> };
  }
}

function describe(violations: Violation[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => `      - ${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ')}`);
      return `  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
    })
    .join('\n');
}

/**
 * Runs axe-core's WCAG 2.2 AA rules on the page as it is now and fails with a readable list of violations.
 * The site's CSP allows only nonced scripts, so axe is not added as a <script>: page.evaluate runs it through
 * the DevTools protocol, which the page's CSP does not govern. That also works with JavaScript disabled.
 */
export async function checkAccessibility(page: Page, label = page.url()): Promise<void> {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const results = await page.evaluate(async (tags) => {
    if (!window.axe) throw new Error('axe-core did not load');
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      })),
      passes: r.passes.length,
    };
  }, WCAG_TAGS);
  assert.ok(results.passes > 0, `axe checked nothing on ${label}: is the page empty?`);
  const violations = results.violations.map((v) => ({ ...v, nodes: v.nodes.filter((n) => !acceptedNode(v.id, n)) })).filter((v) => v.nodes.length > 0);
  assert.equal(violations.length, 0, `Accessibility violations on ${label}:\n${describe(violations)}`);
}

/**
 * axe cannot run in a page whose JavaScript is disabled (its timers never fire), so the no-JS page's own
 * HTML, scripts removed, is served at the same address to a fresh JavaScript-enabled context and checked
 * there: the same markup and stylesheet a person without JavaScript gets, without GOV.UK Frontend's changes.
 */
export async function checkAccessibilityWithoutJavaScript(browser: Browser, noJsPage: Page, label = noJsPage.url()): Promise<void> {
  const url = noJsPage.url();
  const html = (await noJsPage.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  assert.ok(!/\bjs-enabled\b/.test(/<body[^>]*>/.exec(html)?.[0] ?? ''), `${label} was rendered with JavaScript`);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.route(
      (target) => target.href === url,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await page.goto(url);
    await checkAccessibility(page, `${label} (without JavaScript)`);
  } finally {
    await context.close();
  }
}
