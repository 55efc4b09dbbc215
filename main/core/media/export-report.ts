/** What an export says about itself: the path taken and why, the command line, the durations checked. */
import type { PresetName } from './presets';
import type { ExportVerification } from './verify-export';

export interface ExportReport {
  output: string;
  path: 'lossless' | 'conform';
  /** True when an earlier identical export was reused instead of rendering. */
  cached: boolean;
  reasons: string[];
  commandLine: string;
  filterGraph: string | undefined;
  target: { preset: PresetName; width: number; height: number; fps: string };
  clipCount: number;
  expectedDurationSec: number;
  durationSec: number;
  verification: ExportVerification;
  elapsedMs: number;
}
