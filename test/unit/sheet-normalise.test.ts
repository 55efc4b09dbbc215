import { describe, expect, it } from 'vitest';
import {
  cleanCell,
  normaliseAspectRatio,
  normaliseAudio,
  normaliseDuration,
  normaliseResolution,
} from '../../main/core/sheet/normalise';

describe('cell normalisation', () => {
  it.each(['5', '5s', '5 s', '5 sec', '5 secs', '5 seconds', '5.0', '5,0', ' 5S ', '5.00 s'])('duration %j -> 5s', (v) => {
    expect(normaliseDuration(v)).toBe('5s');
  });
  it('keeps fractional durations and leaves unreadable ones as typed', () => {
    expect(normaliseDuration('2.5')).toBe('2.5s');
    expect(normaliseDuration('10')).toBe('10s');
    expect(normaliseDuration(' five ')).toBe('five');
    expect(normaliseDuration('5 min')).toBe('5 min');
  });

  it.each([
    ['yes', true], ['YES', true], ['y', true], ['true', true], ['TRUE', true], ['1', true], ['on', true], ['On', true],
    ['no', false], ['No', false], ['n', false], ['false', false], ['FALSE', false], ['0', false], ['off', false],
    ['', undefined], ['  ', undefined],
    ['maybe', 'invalid'], ['oui', true], ['Non', false], ['JA', true], ['nein', false], ['Sí', true], ['sì', true], ['Não', false], ['sim', true], ['nee', false], ['VRAI', true], ['Falsch', false], ['WAAR', true], ['peut-être', 'invalid'],
  ] as const)('audio %j -> %j', (v, expected) => {
    expect(normaliseAudio(v)).toBe(expected);
  });

  it.each([
    ['720', '720p'], ['720P', '720p'], ['720 p', '720p'], ['1080p', '1080p'], ['480', '480p'], ['4K', '4k'], ['HD', 'HD'],
  ])('resolution %j -> %j', (v, expected) => {
    expect(normaliseResolution(v)).toBe(expected);
  });

  it.each([
    ['16:9', '16:9'], ['16x9', '16:9'], ['16X9', '16:9'], ['16/9', '16:9'], ['16 : 9', '16:9'], ['16×9', '16:9'],
    ['9:16', '9:16'], ['16:09', '16:9'], ['09:16', '9:16'], ['2.39:1', '2.39:1'], ['wide', 'wide'],
  ])('aspect ratio %j -> %j', (v, expected) => {
    expect(normaliseAspectRatio(v)).toBe(expected);
  });

  it('trims outer whitespace of a cell and keeps its inner line breaks', () => {
    expect(cleanCell('  \u00A0A cat\r\non a mat\rat night \t\n')).toBe('A cat\non a mat\nat night');
    expect(cleanCell('\uFEFFx')).toBe('x');
    expect(cleanCell(undefined)).toBe('');
  });
});
