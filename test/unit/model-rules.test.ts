import { describe, expect, it } from 'vitest';
import { durationSeconds, rulesFromModel } from '../../main/core/venice/model-rules';
import { ModelListResponseSchema } from '../../main/core/venice/schemas';

describe('rulesFromModel', () => {
  it('turns constraints into rules, reading an EMPTY aspect-ratio list as "not accepted"', () => {
    const list = ModelListResponseSchema.parse({
      object: 'list',
      data: [
        {
          id: 'wan-i2v',
          model_spec: {
            name: 'Wan I2V',
            constraints: { model_type: 'image-to-video', durations: ['5s', '10s'], resolutions: ['720p'], aspect_ratios: [], audio: true, audio_configurable: false },
            deprecation: { date: '2027-01-01' },
          },
          some_future_field: { anything: true },
        },
        { id: 'plain-t2v', model_spec: { constraints: { durations: ['4s'], aspect_ratios: ['16:9', '9:16'], prompt_character_limit: 1500 } } },
        { id: 'bare' },
      ],
    });
    const [i2v, t2v, bare] = list.data.map(rulesFromModel);
    expect(i2v).toMatchObject({ kind: 'image-to-video', requiresImage: true, aspectRatios: null, audio: true, audioConfigurable: false, promptLimit: 2500, deprecation: '2027-01-01', name: 'Wan I2V' });
    expect(t2v).toMatchObject({ kind: 'text-to-video', requiresImage: false, aspectRatios: ['16:9', '9:16'], promptLimit: 1500, deprecation: null });
    expect(bare).toMatchObject({ durations: [], resolutions: [], aspectRatios: [], name: 'bare' });
  });
  it('reads duration strings', () => {
    expect(durationSeconds('5s')).toBe(5);
    expect(durationSeconds('2.5s')).toBe(2.5);
    expect(durationSeconds('x')).toBe(0);
  });
});
