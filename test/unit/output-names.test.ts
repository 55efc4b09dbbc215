import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeWithoutOverwrite, renderName, resolveInside, sanitizeSegment } from '../../main/core/queue/output-names';

const fields = { row: 7, rowCount: 40, name: null, prompt: 'A gondola at dusk, slow pan', take: 1, model: 'm', extras: {} };

describe('output names', () => {
  it('renders the default template with a zero-padded row and a prompt slug', () => {
    expect(renderName('{row}-{name}-{take}', fields)).toBe('007-A gondola at dusk, slow pan-1');
    expect(renderName('{row}-{name}-{take}', { ...fields, name: 'Intro shot' })).toBe('007-Intro shot-1');
    expect(renderName('{scene}_{row}', { ...fields, extras: { Scene: 'S01' } })).toBe('S01_007');
  });
  it('sanitizes hostile names for every file system', () => {
    expect(sanitizeSegment('../../etc/passwd')).toBe('etc-passwd');
    expect(sanitizeSegment('a<b>c:d"e|f?g*h')).toBe('a-b-c-d-e-f-g-h');
    expect(sanitizeSegment('CON')).toBe('_CON');
    expect(sanitizeSegment('name. ')).toBe('name');
    expect(sanitizeSegment('x'.repeat(300))).toHaveLength(120);
    expect(sanitizeSegment('tab\there\nnewline')).toBe('tabherenewline');
    expect(renderName('{name}', { ...fields, name: '../../..' })).toBe('row-007');
  });
  it('never resolves outside the output folder', () => {
    const dir = '/tmp/out';
    expect(path.dirname(resolveInside(dir, '../escape'))).toBe(dir);
    expect(path.dirname(resolveInside(dir, '..\\..\\escape'))).toBe(dir);
  });
  it('never overwrites: a taken name gets a numbered sibling', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-names-'));
    writeFileSync(path.join(dir, 'clip.mp4'), 'existing');
    const temp = path.join(dir, '.tmp');
    writeFileSync(temp, 'new');
    const placed = await placeWithoutOverwrite(temp, dir, 'clip');
    expect(path.basename(placed)).toBe('clip (2).mp4');
    expect(readFileSync(path.join(dir, 'clip.mp4'), 'utf8')).toBe('existing');
    expect(readFileSync(placed, 'utf8')).toBe('new');
    expect(existsSync(temp)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
