/** Batch defaults given on the command line, applied where a row's cell is empty. */
import type { BatchDefaults } from '../core/sheet';
import { audioOption, type CliValues } from './args';

export function defaultsFrom(values: CliValues): BatchDefaults {
  const d: BatchDefaults = {};
  if (values.model) d.model = values.model;
  if (values.duration) d.duration = values.duration;
  if (values.resolution) d.resolution = values.resolution;
  if (values['aspect-ratio']) d.aspect_ratio = values['aspect-ratio'];
  const audio = audioOption(values.audio);
  if (audio !== undefined) d.audio = audio;
  if (values['negative-prompt']) d.negative_prompt = values['negative-prompt'];
  return d;
}
