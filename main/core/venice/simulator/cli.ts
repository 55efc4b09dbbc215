/**
 * `npm run sim -- --port 8787 --balance 50 --seed 1 --processing-ms 2000 --state ./sim-state.json
 *   --fault-rate rate_limit_429=0.05 --limit queuePerMinute=10`
 * Runs the simulator as its own process, for the demo, for manual testing, and for crash tests that kill and
 * restart it (hence --state, with rendered clips kept beside the state file so a restart does not re-render).
 * Prints one line saying where it listens and the accepted key, and stops cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_API_KEY, startSimulator } from './server';
import { DEFAULT_LIMITS } from './limits';
import { FAULT_KINDS, type FaultKind, type SimLimits, type SimulatorOptions } from './types';

const USAGE = `Venice simulator: Venice's video API, offline.

  npm run sim -- [--port 8787] [--host 127.0.0.1] [--balance 100] [--seed 1] [--processing-ms 3000]
                 [--state ./sim-state.json] [--work-dir DIR] [--key sim-key ...]
                 [--fault-rate KIND=P ...] [--limit NAME=N ...]

  KIND: ${FAULT_KINDS.join(', ')}
  NAME: ${Object.keys(DEFAULT_LIMITS).join(', ')}
  Admin (loopback, header x-sim-admin-token: the token printed at start, or --admin-token):
    GET /_sim/state, POST /_sim/faults {kind,...}, POST /_sim/balance {usd}, POST /_sim/expire {queueId}`;

class UsageError extends Error {}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} needs a number, got "${value}"`);
  return n;
}

function pairs(flag: string, values: string[] | undefined): Array<[string, number]> {
  return (values ?? []).map((v) => {
    const m = /^([\w-]+)=(.+)$/.exec(v);
    if (!m?.[1] || m[2] === undefined) throw new UsageError(`--${flag} takes NAME=VALUE, got "${v}"`);
    return [m[1], number(flag, m[2]) ?? 0];
  });
}

export function optionsFromArgs(argv: string[]): SimulatorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      balance: { type: 'string' },
      seed: { type: 'string' },
      'processing-ms': { type: 'string' },
      state: { type: 'string' },
      'work-dir': { type: 'string' },
      key: { type: 'string', multiple: true },
      'fault-rate': { type: 'string', multiple: true },
      limit: { type: 'string', multiple: true },
      'admin-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const faultRates: Partial<Record<FaultKind, number>> = {};
  for (const [kind, rate] of pairs('fault-rate', values['fault-rate'])) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new UsageError(`Unknown fault kind "${kind}"`);
    faultRates[kind as FaultKind] = rate;
  }
  const limits: Partial<SimLimits> = {};
  for (const [name, n] of pairs('limit', values.limit)) {
    if (!(name in DEFAULT_LIMITS)) throw new UsageError(`Unknown limit "${name}"`);
    limits[name as keyof SimLimits] = n;
  }
  const statePath = values.state === undefined ? undefined : path.resolve(values.state);
  const workDir = values['work-dir'] ?? (statePath ? `${statePath.replace(/\.json$/i, '')}-media` : undefined);
  return {
    host: values.host,
    port: number('port', values.port),
    balanceUsd: number('balance', values.balance),
    seed: number('seed', values.seed),
    processingMs: number('processing-ms', values['processing-ms']),
    apiKeys: values.key,
    faultRates,
    limits,
    statePath,
    workDir: workDir === undefined ? undefined : path.resolve(workDir),
    adminToken: values['admin-token'],
  };
}

async function main(): Promise<void> {
  let opts: SimulatorOptions | 'help';
  try {
    opts = optionsFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = await startSimulator(opts);
  const keys = opts.apiKeys ?? [DEFAULT_API_KEY];
  process.stdout.write(`Venice simulator listening on ${sim.url} (API key: ${keys.join(', ')})\nAdmin token: ${sim.adminToken}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`Venice simulator: error while stopping on ${signal}: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`Venice simulator could not start: ${(e as Error).message}\n`);
  process.exit(1);
});
