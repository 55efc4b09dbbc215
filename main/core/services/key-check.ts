/**
 * Checks a Venice API key before it is stored: lists the video models, then asks for a free quote with the key
 * (a quote needs a valid key and charges nothing). A key Venice refuses is never saved.
 */
import { VeniceClient } from '../venice/client';
import { isVeniceError } from '../venice/errors';
import { registerSecret } from '../venice/redact';

export class KeyCheckError extends Error {
  override readonly name = 'KeyCheckError';
}

export async function checkKey(baseUrl: string, key: string, timeoutMs = 20_000): Promise<void> {
  registerSecret(key);
  const client = new VeniceClient({
    baseUrl,
    apiKey: () => key,
    timeouts: { connectMs: timeoutMs, responseMs: timeoutMs },
  });
  try {
    const models = await client.listModels();
    const model = models.data.find((m) => (m.model_spec?.constraints?.durations ?? []).length > 0);
    const duration = model?.model_spec?.constraints?.durations?.[0];
    if (model && duration) await client.quote({ model: model.id, duration });
  } catch (e) {
    // A 400 names a parameter: Venice got past the key to read the request, so the key is good.
    if (isVeniceError(e) && e.kind === 'bad_request' && e.route === 'quote') return;
    if (isVeniceError(e) && (e.kind === 'unauthorized' || e.kind === 'forbidden')) {
      throw new KeyCheckError('Venice did not accept this key. Copy the whole key again from your Venice account (Settings → API) and paste it here. Nothing was saved.');
    }
    if (isVeniceError(e) && (e.kind === 'network' || e.kind === 'timeout')) {
      throw new KeyCheckError('Venice could not be reached to check the key, so it was not saved. Check your connection and try again.');
    }
    throw new KeyCheckError(`The key could not be checked (${isVeniceError(e) ? e.kind : 'unexpected error'}), so it was not saved. Try again in a moment.`);
  }
}
