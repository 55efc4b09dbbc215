/**
 * The page reads sheets through csv-parse's browser build (vite.config.ts aliases it), whose stream and Buffer are
 * bundled stand-ins for Node's: the same reads, run through that build, must give the same rows.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../main/core/sheet/parse-csv';

vi.mock('csv-parse', async () => await import('csv-parse/browser/esm'));

describe('CSV through csv-parse\'s browser build', () => {
  it('is the browser build that reads here', async () => {
    const { Parser } = await import('csv-parse');
    // Node's stream has destroy(); the bundled stand-in does not: proof that the mock is in place.
    expect(typeof (new Parser({}) as unknown as { destroy?: unknown }).destroy).not.toBe('function');
  });

  it('reads quoted breaks, mixed record breaks, blank rows and a delimiter it detects', async () => {
    const r = await parseCsv('prompt;name\r\na, b;1\n\n"c\r\nd";2\r"e ""f""";3');
    expect(r).toMatchObject({ delimiter: ';', header: ['prompt', 'name'], rows: [['a, b', '1'], ['c\r\nd', '2'], ['e "f"', '3']], sourceRows: [2, 4, 5], errors: [] });
  });

  it('keeps a quoted start with its quotes and says so; reads an unclosed quote to the end and says where', async () => {
    const quoted = await parseCsv('Prompt\tDuration\n"Action!" the director shouts\t5\n');
    expect(quoted.rows).toEqual([['"Action!" the director shouts', '5']]);
    expect(quoted.errors).toEqual([{ sourceRow: 2, message: expect.stringMatching(/kept as written, quotes included/) }]);
    const open = await parseCsv('prompt,name\na,1\n"never closed,2\nc,3\n');
    expect(open.rows).toEqual([['a', '1'], ['never closed,2\nc,3\n']]);
    expect(open.errors).toEqual([{ sourceRow: 3, message: expect.stringMatching(/starting on row 3 of the file is never closed/) }]);
  });

  it('reads a text longer than one slice, characters outside the BMP included', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `"shot ${i} \u{1F3AC}, take ""${i}""",${i}`);
    const r = await parseCsv(`prompt,n\n${rows.join('\n')}\n`);
    expect(r.rows).toHaveLength(3000);
    expect(r.rows[2999]).toEqual(['shot 2999 \u{1F3AC}, take "2999"', '2999']);
  });
});
