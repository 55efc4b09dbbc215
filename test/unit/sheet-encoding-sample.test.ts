/** The line the app shows for each candidate encoding when it is not sure which one wrote the file. */
import { describe, expect, it } from 'vitest';
import { encodingSample } from '../../renderer/src/import/mapping';

describe('encodingSample', () => {
  const bytes = Uint8Array.from([...'Prompt,Duration\r\nPrice tag reading 5 \u0080 on a market stall,5\r\n'].map((c) => c.charCodeAt(0)));

  it('shows the first line with an accented byte, as each encoding reads it', () => {
    expect(encodingSample(bytes, 'windows-1252')).toBe('Price tag reading 5 € on a market stall,5');
    expect(encodingSample(bytes, 'macintosh')).toBe('Price tag reading 5 Ä on a market stall,5');
    expect(encodingSample(bytes, 'ibm850')).toBe('Price tag reading 5 Ç on a market stall,5');
  });

  it('cuts a long line around the letter in question, and is empty for plain ASCII', () => {
    const long = Uint8Array.from([...`${'x'.repeat(200)} caf\u00e9 ${'y'.repeat(200)}\n`].map((c) => c.charCodeAt(0)));
    const sample = encodingSample(long, 'windows-1252', 40);
    expect(sample).toMatch(/^….*café.*…$/);
    expect(sample.length).toBeLessThanOrEqual(42);
    expect(encodingSample(new TextEncoder().encode('prompt\nplain\n'), 'windows-1252')).toBe('');
  });
});
