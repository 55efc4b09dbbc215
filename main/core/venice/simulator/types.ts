/**
 * The simulator's public vocabulary. Kept apart from index.ts so every internal module can import these types
 * without importing the server (and without an import cycle).
 */

export type FaultKind =
  | 'rate_limit_429'
  | 'server_500'
  | 'unavailable_503'
  | 'hang'
  | 'truncated_download'
  | 'malformed_json'
  | 'expired_404'
  | 'content_policy_422'
  | 'charge_then_drop'
  | 'placeholder_clip';

export const FAULT_KINDS: readonly FaultKind[] = [
  'rate_limit_429',
  'server_500',
  'unavailable_503',
  'hang',
  'truncated_download',
  'malformed_json',
  'expired_404',
  'content_policy_422',
  'charge_then_drop',
  'placeholder_clip',
];

export type SimRoute = 'models' | 'quote' | 'queue' | 'retrieve' | 'complete' | 'download';

export const SIM_ROUTES: readonly SimRoute[] = ['models', 'quote', 'queue', 'retrieve', 'complete', 'download'];

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests to this route consume the fault (any route where the kind makes sense, when absent). */
  route?: SimRoute;
  /** How many matching requests it affects; default 1. */
  count?: number;
  /** Only requests about this job consume the fault (retrieve, complete, download). */
  queueId?: string;
}

export interface SimLimits {
  queuePerMinute: number;
  retrievePerMinute: number;
  errorThreshold: number;
  errorWindowMs: number;
  lockoutMs: number;
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random; with a statePath, the port of the previous run is tried first so saved download links work). */
  port?: number;
  /** Accepted bearer keys; default ['sim-key']. Any other key is a 401. */
  apiKeys?: string[];
  /** Starting ledger balance in USD, default 100 (ignored when statePath holds a saved ledger). */
  balanceUsd?: number;
  /** Time from queue until the clip is ready, default 3000. */
  processingMs?: number;
  /** Seeds every random choice (fault rolls, jitter) so runs are reproducible. */
  seed?: number;
  /** Probability per applicable request, rolled with the seeded PRNG. */
  faultRates?: Partial<Record<FaultKind, number>>;
  /** Defaults 40, 120, 20, 30000, 30000. */
  limits?: Partial<SimLimits>;
  /** Where rendered clips live; default a fresh mkdtemp dir, removed on close(). A given dir is kept. */
  workDir?: string;
  /** Optional JSON file: ledger and jobs are persisted there and reloaded on start. */
  statePath?: string;
  /** The ffmpeg binary; default the one the media layer finds (setting, bundled, PATH). */
  ffmpegPath?: string;
}

/** `amountUsd` is always positive; `kind` says which way the money moved. */
export interface LedgerEntry {
  at: number;
  queueId: string;
  model: string;
  amountUsd: number;
  prompt: string;
  kind: 'charge' | 'refund';
}

export type SimJobStatus = 'processing' | 'ready' | 'completed' | 'expired';

export interface SimJobView {
  queueId: string;
  model: string;
  prompt: string;
  duration: string;
  resolution: string;
  aspectRatio: string | null;
  audio: boolean;
  status: SimJobStatus;
  chargedUsd: number;
}

export interface SimStats {
  requests: Record<SimRoute, number>;
  /** HTTP status (as a string) -> answers; plus 'dropped' (socket destroyed without an answer) and 'hang'. */
  statusCounts: Record<string, number>;
  /** 429s sent by the limiter or during a lockout (injected 429 faults are not counted here). */
  rateLimited: number;
  lockouts: number;
}

export interface Simulator {
  /** Base URL INCLUDING /api/v1, e.g. http://127.0.0.1:41234/api/v1. */
  readonly url: string;
  /** http://127.0.0.1:41234 */
  readonly origin: string;
  /** Queued; consumed by the next matching request(s). */
  injectFault(spec: FaultSpec): void;
  setBalance(usd: number): void;
  balance(): number;
  ledger(): LedgerEntry[];
  jobs(): SimJobView[];
  stats(): SimStats;
  /** Media deleted/expired: retrieve answers 404 from now on. */
  expire(queueId: string): void;
  close(): Promise<void>;
}
