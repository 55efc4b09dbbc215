/**
 * Run as a child process by the secrets tests with D-Bus pointing nowhere: asks for the key status and tries to
 * store a key through the contract, and prints what the user would be told, as one JSON line.
 */
import { AppServices } from '../../main/core/services/app-services';
import { SecretStore } from '../../main/core/secrets/secret-store';
import { createHandlers, dispatch } from '../../main/handlers';

const dataDir = process.env.PROBE_DATA_DIR ?? '';
const key = process.env.PROBE_KEY ?? '';
const app = new AppServices({ dataDir, mode: 'test', version: 'probe', secrets: new SecretStore({}, 'venice-batch-test-probe') });
const handlers = createHandlers(app);
const logs: string[] = [];
const status = await dispatch(handlers, 'secrets:status', undefined, (m) => logs.push(m));
const set = await dispatch(handlers, 'secrets:setKey', { key }, (m) => logs.push(m));
await app.close();
process.stdout.write(`${JSON.stringify({ status, set, logs })}\n`);
