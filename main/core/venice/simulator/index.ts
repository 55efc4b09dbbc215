/**
 * The offline Venice simulator: a real HTTP server speaking Venice's video API (strict validation, a billing
 * ledger, rate limits and lockouts, real MP4s rendered by ffmpeg, injectable faults). Tests, `npm run demo`,
 * `npm run sim` and the app's Rehearsal mode all run against it.
 */
export { startSimulator, DEFAULT_API_KEY } from './server';
export { SIM_MODELS, type SimModelDef } from './models';
export { FAULT_KINDS, SIM_ROUTES } from './types';
export { FAULT_ROUTES, SERVER_FAULTS } from './faults';
export { DEFAULT_LIMITS } from './limits';
export type {
  FaultKind,
  FaultSpec,
  FiredFault,
  ExchangeRecord,
  ExchangeOutcome,
  LedgerEntry,
  SimJobStatus,
  SimJobView,
  SimLimits,
  SimRoute,
  SimStats,
  Simulator,
  SimulatorOptions,
  SimJobTiming,
} from './types';
