/** `models`: the video models Venice offers now, with what each accepts. */
import { REHEARSAL_BASE_URL } from '../core/services/venice-connection';
import type { CliValues } from './args';
import type { CliSession } from './session';

export async function modelsCommand(session: CliSession, values: CliValues, out: NodeJS.WritableStream): Promise<number> {
  const catalog = await session.catalog(values.rehearsal ? REHEARSAL_BASE_URL : session.links.baseUrlFor(false));
  if (values.json) {
    out.write(`${JSON.stringify({ fetchedAt: catalog.fetchedAt, stale: catalog.stale, models: catalog.models })}\n`);
    return 0;
  }
  for (const m of catalog.models) {
    const ar = m.aspectRatios === null ? 'no aspect ratio' : m.aspectRatios.join(' ') || 'any aspect';
    out.write(
      `${m.id}\n  ${m.kind}; ${m.durations.join(' ') || 'any duration'}; ${m.resolutions.join(' ') || 'default resolution'}; ${ar}; ` +
        `audio ${m.audio ? (m.audioConfigurable ? 'optional' : 'always') : 'none'}; prompt up to ${m.promptLimit} chars` +
        `${m.deprecation ? `; retiring ${m.deprecation}` : ''}\n`,
    );
  }
  if (catalog.warning) out.write(`note: ${catalog.warning}\n`);
  return 0;
}
