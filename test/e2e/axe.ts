/**
 * Accessibility checks for the Playwright suite, with axe-core: WCAG 2.1 A and AA rules, on the whole page or on the
 * parts a spec owns (`include`), failing on any serious or critical violation and saying which rule, where and why.
 * Shared by the specs: `await expectAccessible(page, 'the import panel', { include: ['[data-testid="import-panel"]'] })`.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export interface AxeScope {
  /** CSS selectors of the regions to check (default: the whole page). */
  include?: string[];
  /** CSS selectors to leave out (another helper's region, a third-party widget). */
  exclude?: string[];
}

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

/** The serious and critical violations, each as one readable line per element. */
export async function seriousViolations(page: Page, scope: AxeScope = {}): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  for (const s of scope.include ?? []) builder = builder.include(s);
  for (const s of scope.exclude ?? []) builder = builder.exclude(s);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`));
}

/** Fails the test when the view (or the regions given) has a serious or critical WCAG 2.1 AA violation. */
export async function expectAccessible(page: Page, view: string, scope: AxeScope = {}): Promise<void> {
  const found = await seriousViolations(page, scope);
  expect(found, `serious or critical accessibility violations in ${view}`).toEqual([]);
}

/**
 * The WCAG contrast ratio of an element's text against what is behind it, computed in the page: the text colour with
 * every ancestor's opacity applied, over the nearest opaque background (semi-transparent ones composited on the way).
 * axe leaves text it cannot place for sure (transformed rows of a virtual list) as "needs review"; this measures it.
 */
export async function contrastOf(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => {
    const parse = (c: string): [number, number, number, number] => {
      const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    const over = (top: number[], a: number, under: number[]) => top.map((v, i) => v * a + (under[i] ?? 0) * (1 - a));
    let opacity = 1;
    for (let n: Element | null = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
    const layers: Array<[number, number, number, number]> = [];
    for (let n: Element | null = el; n; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let back = [255, 255, 255];
    for (const l of layers.reverse()) back = over(l.slice(0, 3), l[3], back);
    const fg = parse(getComputedStyle(el).color);
    const text = over(fg.slice(0, 3), fg[3] * opacity, back);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [a, b] = [lum(text), lum(back)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  });
}
