/**
 * Prices rows with /video/quote, once per distinct parameter set (a 500-row batch of one model and duration is one
 * request). Quotes are free and lock nothing; they feed the cost preview and the budget cap.
 */
import type { VeniceClient } from '../venice/client';
import type { ModelRules } from '../venice/model-rules';
import type { QuoteRequest } from '../venice/schemas';
import type { RowParams } from '../queue/types';
import { Pacer } from '../sheet/pace';

export type QuoteKey = string;

/** The quote request for a row. Audio is sent explicitly where the model has it: it changes the price. */
export function quoteRequestFor(params: RowParams, rules: ModelRules | undefined): QuoteRequest {
  const req: QuoteRequest = { model: params.model, duration: params.duration };
  if (params.resolution) req.resolution = params.resolution;
  if (params.aspect_ratio) req.aspect_ratio = params.aspect_ratio;
  const audio = params.audio ?? (rules?.audio ? true : undefined);
  if (audio !== undefined && rules?.audio) req.audio = audio;
  return req;
}

export function quoteKey(req: QuoteRequest): QuoteKey {
  return JSON.stringify([req.model, req.duration, req.resolution ?? '', req.aspect_ratio ?? '', req.audio ?? '']);
}

export class QuoteCache {
  private readonly prices = new Map<QuoteKey, Promise<number>>();

  constructor(private readonly client: Pick<VeniceClient, 'quote'>) {}

  price(req: QuoteRequest): Promise<number> {
    const key = quoteKey(req);
    let p = this.prices.get(key);
    if (!p) {
      p = this.client.quote(req).then((r) => r.quoteUsd);
      // A failed quote must not stick: the next call asks again.
      p.catch(() => this.prices.delete(key));
      this.prices.set(key, p);
    }
    return p;
  }

  /**
   * Quotes many rows, distinct parameter sets one after another (quotes are cheap but still rate-limited). A known
   * price is an already-settled promise, and awaiting one never lets the event loop in: paced, so 100,000 rows of a
   * few parameter sets do not hold main's thread in one piece.
   */
  async priceAll(rows: Array<{ params: RowParams; rules: ModelRules | undefined }>): Promise<number[]> {
    const out: number[] = new Array(rows.length);
    const pacer = new Pacer();
    for (let i = 0; i < rows.length; i++) {
      if ((i & 255) === 0 && pacer.due()) await pacer.pause();
      const r = rows[i]!;
      out[i] = await this.price(quoteRequestFor(r.params, r.rules));
    }
    return out;
  }
}
