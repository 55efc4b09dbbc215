/**
 * The engine's housekeeping apart from rows: what to do after the clock jumped (the laptop slept, the clock was set
 * back), and the free request that tells whether an endpoint is usable again (see holds.ts).
 */
import { isVeniceError } from '../venice/errors';
import { spanText, type ClockJump } from './clock-watch';
import { noteRequest, type EngineContext, type SharedContext } from './engine-context';

/** Venice answered and took the key, but refused this particular quote: enough to know the endpoint is usable. */
const ANSWERED_WITH_KEY = new Set(['bad_request', 'not_found', 'content_policy', 'needs_consent', 'forbidden', 'payload_too_large', 'http_error']);

/**
 * After a sleep every connection is dead and every wait was computed on the old time; after the clock went back
 * the rate windows look full until it catches up. Either way: record the gap, reschedule everything to now, and
 * look at every hold again. Nothing is sent twice: rows in doubt stay in doubt, paid jobs are re-polled by id.
 */
export async function afterClockJump(shared: SharedContext, jump: ClockJump, contexts: EngineContext[], forgetTimes: () => void): Promise<void> {
  const now = shared.now();
  if (jump.kind === 'slept') {
    const span = spanText(jump.to - jump.from);
    await shared.store.holds.record({
      scope: 'engine',
      cause: 'sleep',
      message: `The computer was asleep (or the app stood still) for ${span}`,
      auto: true,
      from: jump.from,
      to: jump.to,
    });
    shared.emit({ type: 'notice', level: 'info', message: `The computer was asleep for ${span}: checking every job again.` });
  } else {
    for (const c of contexts) c.limiter.shiftClock?.(-jump.byMs);
    shared.emit({ type: 'notice', level: 'warning', message: `The clock went back by ${spanText(jump.byMs)}: every wait was rescheduled.` });
  }
  await shared.store.pollAllNow();
  await shared.store.wakeRows(
    (await shared.store.listBatches()).map((b) => b.id),
    now,
  );
  shared.failureStreak.clear();
  shared.holds.checkAllNow();
  forgetTimes();
}

/** A free /video/quote shaped like one of the endpoint's own rows: does Venice answer, and take the key? */
export async function probeEndpoint(ctx: EngineContext): Promise<{ ok: true } | { ok: false; error: unknown }> {
  if (!(await ctx.apiKey())) return { ok: false, error: new Error('No API key is set') };
  let row;
  for (const b of await ctx.store.listBatches()) {
    if (b.baseUrl === ctx.baseUrl) row = await ctx.store.anyRow(b.id);
    if (row) break;
  }
  if (!row) return { ok: true }; // nothing waits on this endpoint any more
  if (!(await ctx.limiter.acquire('other')).ok) return { ok: false, error: new Error('the rate window is full') };
  const p = row.params;
  try {
    await ctx.client.quote({
      model: p.model,
      duration: p.duration,
      ...(p.resolution ? { resolution: p.resolution } : {}),
      ...(p.aspect_ratio ? { aspect_ratio: p.aspect_ratio } : {}),
      ...(p.audio === undefined ? {} : { audio: p.audio }),
    });
    await noteRequest(ctx, 'quote', true);
    return { ok: true };
  } catch (e) {
    await noteRequest(ctx, 'quote', false, e);
    if (isVeniceError(e) && ANSWERED_WITH_KEY.has(e.kind)) return { ok: true };
    return { ok: false, error: e };
  }
}
