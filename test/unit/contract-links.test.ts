/**
 * The desktop shell opens in the system browser only addresses written out literally in shell/security.ts; the
 * page knows them as EXTERNAL_LINKS. Read as text (importing the shell would load Electron).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINKS } from '../../main/contract-names';

describe('external links', () => {
  const source = readFileSync('main/shell/security.ts', 'utf8');
  const opened = [...source.matchAll(/shell\.openExternal\(([^)]*)\)/g)].map((m) => m[1]);

  it('are opened only as https literals, exactly the ones the page can name', () => {
    expect(opened.length).toBeGreaterThan(0);
    for (const arg of opened) expect(arg).toMatch(/^'https:\/\/[^']+'$/);
    expect(opened.map((a) => a!.slice(1, -1)).sort()).toEqual(Object.values(EXTERNAL_LINKS).sort());
  });
});
