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
  | 'placeholder_clip'
  /** The key is refused (revoked on Venice's side) while the fault lasts. */
  | 'unauthorized_401'
  /** The whole server is unreachable (connections refused, open ones reset) for `forMs`. */
  | 'network_down';

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
  'unauthorized_401',
  'network_down',
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
  /**
   * A window instead of a count: every matching request for this many milliseconds suffers the fault (a 503
   * storm, a revoked key, the network down). `network_down` needs it.
   */
  forMs?: number;
}

/** A fault that struck, as the simulator's journal records it: the proof a test's fault really fired. */
export interface FiredFault {
  at: number;
  kind: FaultKind;
  route: SimRoute | 'server';
  queueId?: string;
}

/**
 * How one exchange ended. `client_left_*` means the client went away (a timeout, or its process was killed)
 * before the answer was complete: the crash tests prove from these that kills landed mid-request and mid-download.
 */
export type ExchangeOutcome = 'answered' | 'cut_by_server' | 'hang' | 'client_left_before_answer' | 'client_left_mid_body';

export interface ExchangeRecord {
  at: number;
  /** When it ended (answered, cut, or the client gone). */
  endedAt: number;
  route: SimRoute;
  queueId?: string;
  status: number | null;
  outcome: ExchangeOutcome;
}

export interface SimLimits {
  queuePerMinute: number;
  retrievePerMinute: number;
  errorThreshold: number;
  errorWindowMs: number;
  lockoutMs: number;
  /** The sliding window of the per-route limits; default 60 s (benches on a time scale shrink it). */
  windowMs?: number;
}

/** One job's run time and the estimate retrieve reports for it (see SimulatorOptions.jobTiming). */
export interface SimJobTiming {
  processingMs: number;
  /** Default: 1.1x to 1.3x processingMs, as for every other job. */
  estimateMs?: number;
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
  /**
   * A run time per job instead of one for all (the studio bench gives each row its own, 30 s to 6 min as Venice's
   * estimates say); undefined falls back to processingMs.
   */
  jobTiming?: (job: { model: string; prompt: string; duration: string; resolution: string }) => SimJobTiming | undefined;
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
  /**
   * One render per clip spec, hard-linked for every job of that spec (captioned for none): benchmarks, where the
   * simulator's ffmpeg would otherwise take the cores from the engine being measured. Default false.
   */
  shareRenders?: boolean;
  /** Each API answer waits a seeded random 0..this many ms (a real network and server take time). Default 0. */
  answerDelayMs?: number;
  /** Clip bodies are sent at this rate (bytes per second), so a download takes a while. Default: unthrottled. */
  clipBytesPerSecond?: number;
  /**
   * The `/_sim/*` admin routes answer only requests carrying this token (header `x-sim-admin-token`). Default: random
   * per start; with a statePath it is also written beside the state file (`<name>.admin-token`) for tests in
   * another process.
   */
  adminToken?: string;
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
  /** What `/_sim/*` requests must carry in `x-sim-admin-token`. */
  readonly adminToken: string;
  /** Queued; consumed by the next matching request(s). */
  injectFault(spec: FaultSpec): void;
  setBalance(usd: number): void;
  balance(): number;
  ledger(): LedgerEntry[];
  jobs(): SimJobView[];
  stats(): SimStats;
  /** Media deleted/expired: retrieve answers 404 from now on. */
  expire(queueId: string): void;
  /** Every fault that struck, in order. */
  firedFaults(): FiredFault[];
  /** How every API and download exchange ended, in order (most recent 100,000). */
  exchanges(): ExchangeRecord[];
  close(): Promise<void>;
}
