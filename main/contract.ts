/**
 * THE contract between the UI and main: every call the renderer can make and every event it can hear, each with a
 * zod schema. main parses every input with these before a service sees it, and parses every output and event
 * before it leaves, which drops any field a schema does not name. So no output can carry the API key or a
 * pre-signed link: the key status has only set / source / last four characters, rows have no attempt records, and
 * free text that may quote an error passes through `redact`.
 *
 * The preload and the renderer `import type` from this file only: no zod and no Node reach the page.
 * Adding a call: a service in core/, a schema pair here, a line in handlers.ts. The transports do not change.
 */
import { z } from 'zod';
import type { CallName, EventName } from './contract-names';
import { JOB_STATES } from './core/queue/job-states';
import { ERROR_CODES } from './core/services/app-errors';
import { AbsolutePathSchema, NameTemplateSchema, SettingsPatchSchema, SettingsSchema, StudioQueueSchema } from './core/services/app-settings';
import { PRESET_NAMES } from './core/media/presets';
import { MAX_CROSSFADE_SEC } from './core/media/timeline';
import { CANONICAL_COLUMNS, DELIMITERS } from './core/sheet/types';
import { redact } from './core/venice/redact';

// ---- building blocks ----

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Usd = z.number().finite();
/** Free text that may quote an error from elsewhere: scrubbed of keys, bearer tokens and signed-URL queries. */
const Text = z.string().transform((s) => redact(s));
const NoInput = z.strictObject({}).optional();
const JobState = z.enum(JOB_STATES);
const Counts = z.partialRecord(JobState, z.number().int().nonnegative());
const MAX_SHEET_BYTES = 20 * 1024 * 1024;

export const BatchViewSchema = z.object({
  id: Id,
  name: z.string(),
  status: z.enum(['active', 'paused', 'cancelled']),
  phase: z.enum(['running', 'paused', 'finished', 'needs-attention', 'cancelled']),
  pauseReason: Text.nullable(),
  rehearsal: z.boolean(),
  outputDir: z.string(),
  nameTemplate: z.string(),
  concurrency: z.number().int(),
  budgetUsd: Usd.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  total: z.number().int(),
  counts: Counts,
  quotedUsd: Usd,
  spentUsd: Usd,
  inDoubtUsd: Usd,
  /** What the batch is waiting for by itself (a full disk, no network...): it carries on when that is gone. */
  waitingReason: Text.nullable().default(null),
});

const HoldCauseEnum = z.enum(['disk_full', 'folder_missing', 'folder_unwritable', 'offline', 'capacity', 'key', 'sleep', 'user', 'budget', 'balance', 'no_key']);

/** What happened to a batch overnight (see core/services/morning-report.ts). */
export const MorningReportSchema = z.object({
  batchId: Id,
  name: z.string(),
  rehearsal: z.boolean(),
  phase: z.enum(['running', 'paused', 'finished', 'needs-attention', 'cancelled']),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  clips: z.object({
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    inDoubt: z.number().int(),
    notSent: z.number().int(),
    cancelled: z.number().int(),
    working: z.number().int(),
  }),
  spend: z.object({ quotedUsd: Usd, chargedUsd: Usd, inDoubtUsd: Usd }),
  decisions: z.array(
    z.object({ rowId: Id, row: z.number().int(), take: z.number().int(), name: z.string().nullable(), state: z.enum(['failed', 'in_doubt']), reason: Text, action: z.string() }),
  ),
  pauses: z.array(z.object({ cause: HoldCauseEnum, label: z.string(), count: z.number().int(), totalMs: z.number().nonnegative(), ongoing: z.boolean() })),
  lostMs: z.number().nonnegative(),
  seen: z.boolean(),
  summary: Text,
});

export const RowViewSchema = z.object({
  id: Id,
  batchId: Id,
  row: z.number().int(),
  position: z.number().int(),
  take: z.number().int(),
  name: z.string().nullable(),
  prompt: z.string(),
  model: z.string(),
  duration: z.string(),
  resolution: z.string().nullable(),
  aspectRatio: z.string().nullable(),
  audio: z.boolean().nullable(),
  image: Text.nullable(),
  state: JobState,
  quoteUsd: Usd.nullable(),
  errorKind: z.string().nullable(),
  errorMessage: Text.nullable(),
  suggestedPrompt: z.string().nullable(),
  fileName: z.string().nullable(),
  filePath: z.string().nullable(),
  attempts: z.number().int(),
  /** Venice's estimate of the current attempt's run time and how long it has run (for the ETA), when known. */
  estimateMs: z.number().nonnegative().nullable().default(null),
  runMs: z.number().nonnegative().nullable().default(null),
  updatedAt: z.number(),
});

/** A row's attempts and log, for its history. No download link, request body or queue id: see row-history.ts. */
export const RowHistorySchema = z.object({
  rowId: Id,
  attempts: z.array(
    z.object({
      attemptNo: z.number().int(),
      state: z.string(),
      model: z.string(),
      quoteUsd: Usd.nullable(),
      charged: z.boolean(),
      submittedAt: z.number().nullable(),
      finishedAt: z.number().nullable(),
      estimateMs: z.number().nullable(),
      runMs: z.number().nullable(),
      bytes: z.number().nullable(),
      fileName: z.string().nullable(),
      errorKind: z.string().nullable(),
      errorMessage: Text.nullable(),
    }),
  ),
  events: z.array(z.object({ at: z.number(), kind: z.string(), message: Text })),
});

const Issue = z.object({ column: z.string().nullable(), message: Text });

/** One row of a sheet preview: as read, checked against its model, and priced when it could be. */
export const PreviewRowSchema = z.object({
  row: z.number().int(),
  sourceRow: z.number().int(),
  prompt: z.string(),
  name: z.string().nullable(),
  valid: z.boolean(),
  errors: z.array(Issue),
  warnings: z.array(Issue),
  model: z.string().nullable(),
  duration: z.string().nullable(),
  resolution: z.string().nullable(),
  aspectRatio: z.string().nullable(),
  audio: z.boolean().nullable(),
  quoteUsd: Usd.nullable(),
});
/** Most rows one `batch:importRows` call gives (the first answer holds 200: sheet-imports.ts PREVIEW_FIRST_ROWS). */
export const PREVIEW_PAGE_MAX_ROWS = 5_000;

export const ImportPreviewSchema = z.object({
  importId: z.string(),
  fileName: z.string(),
  /** What the batch will be called: the sheet's name without extension, plus its tab in a workbook of several. */
  title: z.string(),
  rehearsal: z.boolean(),
  format: z.string(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheetNames: z.array(z.string()).nullable(),
  sheetName: z.string().nullable(),
  /** Workbook sheets hidden in the file (listed as such, read only when chosen). */
  hiddenSheets: z.array(z.string()).nullable(),
  /** False when the text encoding was guessed and others were nearly as likely: the page shows them and asks. */
  encodingSure: z.boolean(),
  encodingAlternatives: z.array(z.string()),
  /** The header's row number as the spreadsheet shows it. */
  headerRow: z.number().int(),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string()),
  unmappedHeaders: z.array(z.string()),
  warnings: z.array(z.object({ row: z.number().int().nullable(), message: Text })),
  /**
   * The first 200 rows only (sheet-imports.ts PREVIEW_FIRST_ROWS); `summary.total` says how many there are, `batch:importRows` gives the
   * rest a page at a time. 100,000 rows in one answer held main for seconds (checked, serialised) and the page too.
   */
  rows: z.array(PreviewRowSchema),
  summary: z.object({ total: z.number().int(), valid: z.number().int(), invalid: z.number().int() }),
  totalUsd: Usd.nullable(),
  quoteProblem: Text.nullable(),
  catalogWarning: Text.nullable(),
  existingBatchId: Id.nullable(),
});

export const KeyStatusSchema = z.object({
  set: z.boolean(),
  source: z.enum(['keychain', 'environment', 'none']),
  /** Never more than four characters, whatever a service hands over. */
  last4: z.string().max(4).nullable(),
  keychainAvailable: z.boolean(),
  problem: Text.nullable(),
});

export const AppInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'browser', 'test']),
  platform: z.string(),
  dataDir: z.string(),
  engine: z.object({ state: z.enum(['running', 'busy', 'stopped']), message: Text.nullable() }),
  media: z.object({ found: z.boolean(), source: z.enum(['setting', 'bundled', 'path']).nullable(), message: Text.nullable() }),
  /** The queue this machine works on (a studio's address has its password masked), and why it cannot, if so. */
  queue: z.object({ kind: z.enum(['local', 'studio']), description: Text, problem: Text.nullable() }),
});

/** Settings > Studio queue: what the app is on, what overrides it, and whether a restart is needed. */
export const StudioQueueViewSchema = z.object({
  on: z.object({ kind: z.enum(['local', 'studio']), description: Text, problem: Text.nullable() }),
  /** VENICE_BATCH_DB, password masked. */
  environment: Text.nullable(),
  setting: Text.nullable(),
  restartNeeded: z.boolean(),
});

export const ModelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  durations: z.array(z.string()),
  resolutions: z.array(z.string()),
  aspectRatios: z.array(z.string()).nullable(),
  audio: z.boolean(),
  audioConfigurable: z.boolean(),
  promptLimit: z.number().int(),
  requiresImage: z.boolean(),
  deprecation: z.string().nullable(),
  beta: z.boolean(),
});

const shortText = (max: number) => z.string().max(max, `At most ${max} characters.`);
const Duration = z.string().regex(/^\d+(\.\d+)?s$/, 'A duration such as "5s".');

const BatchDefaultsSchema = z.strictObject({
  model: shortText(200).optional(),
  duration: shortText(20).optional(),
  resolution: shortText(20).optional(),
  aspect_ratio: shortText(20).optional(),
  audio: z.boolean().optional(),
  negative_prompt: shortText(2500).optional(),
  /** Versions of every row whose takes cell is empty. */
  takes: z.number().int('Takes per row must be a whole number.').min(1, 'Takes per row must be at least 1.').max(10, 'At most 10 takes per row.').optional(),
});

const ImportOptionsSchema = z.strictObject({
  encoding: shortText(40).optional(),
  delimiter: z.enum(DELIMITERS).optional(),
  sheet: z.union([shortText(200), z.number().int().min(0).max(1000)]).optional(),
  /** The header's row number as the spreadsheet shows it (default: found among the first 20 rows). */
  headerRow: z.number().int().min(1).max(1_048_576).optional(),
  mapping: z.partialRecord(z.enum(CANONICAL_COLUMNS), shortText(200).nullable()).optional(),
});

const ImportSheetInput = z
  .strictObject({
    fileName: z.string().min(1).max(255),
    /** The file's text (CSV/TSV pasted or read as text)... */
    text: z.string().max(MAX_SHEET_BYTES, 'The sheet is larger than 20 MB.').optional(),
    /** ...or its bytes in base64 (any format, XLSX included)... */
    base64: z
      .string()
      .max(Math.ceil((MAX_SHEET_BYTES * 4) / 3) + 4, 'The sheet is larger than 20 MB.')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The file data is not base64.')
      .optional(),
    /**
     * ...or the bytes themselves, as the page sends a file: no base64 to make in the page or to undo here (Electron's
     * IPC clones them; browser mode sends them as the request's binary body, see web.ts). Exactly one of the three.
     */
    bytes: z
      .instanceof(Uint8Array)
      .refine((b) => b.byteLength <= MAX_SHEET_BYTES, 'The sheet is larger than 20 MB.')
      .optional(),
    options: ImportOptionsSchema.optional(),
    defaults: BatchDefaultsSchema.optional(),
    rehearsal: z.boolean().optional(),
  })
  .refine((v) => [v.text, v.base64, v.bytes].filter((x) => x !== undefined).length === 1, 'Send the sheet as either text, base64 or bytes.')
  .transform(({ text, base64, bytes, ...rest }) => ({
    ...rest,
    bytes: bytes ?? (text !== undefined ? new TextEncoder().encode(text) : new Uint8Array(Buffer.from(base64 ?? '', 'base64'))),
  }));


// ---- the timeline and its export ----

const TransitionView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cut') }),
  z.object({ kind: z.literal('crossfade'), durationSec: z.number().positive().max(MAX_CROSSFADE_SEC) }),
]);

/** A finished clip the timeline can use: one per done row (takes of one sheet row share `row`). */
export const BinClipSchema = z.object({
  rowId: Id,
  /** The sheet row it came from (takes of one row share it) and which take it is. */
  row: z.number().int(),
  take: z.number().int(),
  label: z.string(),
  fileName: z.string(),
  durationSec: z.number().nonnegative().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fps: z.string().nullable(),
  hasAudio: z.boolean().nullable(),
  /** Set when the file is missing or unreadable: the clip cannot go on the timeline. */
  problem: Text.nullable(),
});

/** A clip on the timeline: which finished row, its trims, and the transition that leads into it. */
export const TimelineClipViewSchema = z.object({
  rowId: Id,
  inSec: z.number().min(0),
  /** null = to the end of the clip. */
  outSec: z.number().positive().nullable(),
  transitionIn: TransitionView,
});

export const MusicViewSchema = z.object({
  /** The file's name only (it lives in the batch folder's music/ folder). */
  fileName: z.string(),
  durationSec: z.number().nonnegative().nullable(),
  volume: z.number().min(0).max(2),
  fadeOutSec: z.number().min(0).max(30),
});

/** A note at a moment of the timeline (seconds on the record side), carried into the hand-off files. */
export const MarkerViewSchema = z.strictObject({
  id: z.string().min(1).max(100),
  at: z.number().min(0).max(86_400),
  note: z.string().max(2000),
});

export const TimelineViewSchema = z.object({
  batchId: Id,
  /** False while the timeline is the default one (every finished clip in row order, first take of each row). */
  saved: z.boolean(),
  updatedAt: z.number().nullable(),
  clips: z.array(TimelineClipViewSchema),
  music: MusicViewSchema.nullable(),
  markers: z.array(MarkerViewSchema),
  bin: z.array(BinClipSchema),
  /** Things the editor should know, e.g. a saved clip whose row is no longer done was dropped. */
  problems: z.array(Text),
});

export const ExportJobViewSchema = z.object({
  jobId: z.string(),
  batchId: Id,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: z.enum(['probe', 'render', 'verify', 'done']),
  /** 0..1 of the render when known. */
  fraction: z.number().min(0).max(1).nullable(),
  seconds: z.number().nonnegative(),
  totalSec: z.number().nonnegative(),
  etaSec: z.number().nonnegative().nullable(),
  preset: z.enum(PRESET_NAMES),
  /** The output's file name, and where it is once done. */
  fileName: z.string(),
  output: z.string().nullable(),
  path: z.enum(['lossless', 'conform']).nullable(),
  cached: z.boolean(),
  reasons: z.array(Text),
  durationSec: z.number().nullable(),
  message: Text.nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});

const TimelineSaveInput = z.strictObject({
  batchId: Id,
  clips: z.array(
    z.strictObject({
      rowId: Id,
      inSec: z.number().min(0).max(86_400),
      outSec: z.number().positive().max(86_400).nullable(),
      transitionIn: TransitionView,
    }),
  ).max(10_000),
  /** Volume and fade of the music bed already added (null removes it); the file itself comes by timeline:setMusic. */
  music: z.strictObject({ volume: z.number().min(0).max(2), fadeOutSec: z.number().min(0).max(30) }).nullable(),
  /** The timeline's markers; left out, the saved ones are kept. */
  markers: z.array(MarkerViewSchema).max(1000).optional(),
});
/** A file name for the batch folder: no path, no separators. */
const PlainFileName = z
  .string()
  .trim()
  .min(1, 'Give the file a name.')
  .max(200, 'At most 200 characters.')
  .refine((n) => !/[\\/]/.test(n) && !n.includes('\u0000') && n !== '.' && n !== '..', 'Just a file name, without folders.');

const BatchRef = z.strictObject({ batchId: Id });

const ProfileMapping = z.partialRecord(z.enum(CANONICAL_COLUMNS), z.string().min(1).max(200));
export const MappingProfilesSchema = z.object({
  profiles: z.array(z.object({ name: z.string(), mapping: ProfileMapping, updatedAt: z.number() })),
  warning: Text.nullable(),
});

/** An edited sheet kept in the data folder until it is queued or deleted (core/services/drafts.ts). */
export const DraftSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  fileName: z.string(),
  rehearsal: z.boolean(),
  rows: z.number().int(),
  savedAt: z.number(),
});
const DraftMapping = z.partialRecord(z.enum(CANONICAL_COLUMNS), z.string().min(1).max(200));
export const DraftSchema = DraftSummarySchema.extend({
  csv: z.string(),
  mapping: DraftMapping,
  defaults: BatchDefaultsSchema,
  budgetUsd: Usd.nullable(),
});
const DraftList = z.object({ drafts: z.array(DraftSummarySchema) });
const DraftRef = z.strictObject({ id: z.uuid() });

// ---- the calls ----

export const calls = {
  'app:info': { input: NoInput, output: AppInfoSchema },
  'batch:list': { input: NoInput, output: z.array(BatchViewSchema) },
  'batch:get': { input: BatchRef, output: z.object({ batch: BatchViewSchema, rows: z.array(RowViewSchema) }) },
  'batch:importSheet': { input: ImportSheetInput, output: ImportPreviewSchema },
  /** More rows of a pending sheet preview, a page at a time (the first answer holds only the first rows). */
  'batch:importRows': {
    input: z.strictObject({ importId: z.uuid(), offset: z.number().int().min(0), limit: z.number().int().min(1).max(PREVIEW_PAGE_MAX_ROWS) }),
    output: z.object({ rows: z.array(PreviewRowSchema), total: z.number().int() }),
  },
  'batch:create': {
    input: z.strictObject({
      importId: z.uuid(),
      name: shortText(200).optional(),
      outputDir: AbsolutePathSchema.optional(),
      nameTemplate: NameTemplateSchema.optional(),
      concurrency: z.number().int().min(1).max(20).optional(),
      budgetUsd: z.number().finite().positive().max(100_000).nullable().optional(),
      confirmSpend: z.boolean().optional(),
      allowDuplicate: z.boolean().optional(),
    }),
    output: BatchViewSchema,
  },
  'batch:pause': { input: BatchRef, output: BatchViewSchema },
  'batch:resume': { input: BatchRef, output: BatchViewSchema },
  'batch:cancel': { input: BatchRef, output: BatchViewSchema },
  'rows:retry': {
    input: z.strictObject({ rowIds: z.array(Id).min(1).max(10_000) }),
    output: z.object({ refetch: z.number().int(), resubmit: z.number().int() }),
  },
  'rows:resolve': { input: z.strictObject({ rowId: Id, decision: z.enum(['resubmit', 'lost']) }), output: RowViewSchema },
  /** Rows not yet sent are skipped (never sent); rows already paid for are left to finish. */
  'rows:skip': {
    input: z.strictObject({ rowIds: z.array(Id).min(1).max(10_000) }),
    output: z.object({ skipped: z.number().int() }),
  },
  'rows:useSuggestedPrompt': { input: z.strictObject({ rowId: Id }), output: RowViewSchema },
  'rows:history': { input: z.strictObject({ rowId: Id }), output: RowHistorySchema },
  'rows:reorder': { input: z.strictObject({ rowId: Id, position: z.number().int().min(0).max(1e9) }), output: RowViewSchema },
  'quote:rows': {
    input: z.strictObject({
      rehearsal: z.boolean(),
      rows: z
        .array(
          z.strictObject({
            model: z.string().min(1).max(200),
            duration: Duration,
            resolution: shortText(20).optional(),
            aspect_ratio: shortText(20).optional(),
            audio: z.boolean().optional(),
          }),
        )
        .min(1)
        .max(10_000),
    }),
    output: z.object({ prices: z.array(Usd), totalUsd: Usd }),
  },
  'models:list': {
    input: z.strictObject({ rehearsal: z.boolean(), refresh: z.boolean().optional() }),
    output: z.object({ models: z.array(ModelViewSchema), fetchedAt: z.number(), stale: z.boolean(), warning: Text.nullable() }),
  },
  'settings:get': { input: NoInput, output: SettingsSchema },
  'settings:set': { input: SettingsPatchSchema, output: SettingsSchema },
  'secrets:status': { input: NoInput, output: KeyStatusSchema },
  'studio:queue': { input: NoInput, output: StudioQueueViewSchema },
  /** Saves the studio queue's address (null: this computer's own) once a connection to it has worked. */
  'studio:setQueue': { input: z.strictObject({ url: StudioQueueSchema.nullable() }), output: StudioQueueViewSchema },
  'secrets:setKey': {
    input: z.strictObject({
      key: z
        .string()
        .trim()
        .min(1, 'Paste your Venice API key first.')
        .max(512, 'That is too long to be a Venice API key.')
        .regex(/^[\x21-\x7e]+$/, 'A Venice API key has no spaces or special characters: copy it again.'),
    }),
    output: KeyStatusSchema,
  },
  'secrets:clearKey': { input: NoInput, output: KeyStatusSchema },
  /** The batch's timeline (the saved one, or the default) and its bin of finished clips. */
  'timeline:get': { input: BatchRef, output: TimelineViewSchema },
  'timeline:save': { input: TimelineSaveInput, output: TimelineViewSchema },
  /** Adds (or replaces) the music bed: the file is copied into the batch folder's music/ folder. */
  'timeline:setMusic': {
    input: z.strictObject({
      batchId: Id,
      fileName: PlainFileName,
      base64: z
        .string()
        .max(Math.ceil((24 * 1024 * 1024 * 4) / 3) + 4, 'The music file is larger than 24 MB: use an MP3 or a shorter WAV.')
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The file data is not base64.'),
    }),
    output: TimelineViewSchema,
  },
  /** The music bed's peaks for drawing its waveform (decoded once in main with ffmpeg); null without music. */
  'timeline:waveform': {
    input: BatchRef,
    output: z.object({ peaksPerSec: z.number().positive(), durationSec: z.number().nonnegative(), peaks: z.array(z.number().int().min(0).max(255)) }).nullable(),
  },
  /** Renders the saved timeline into the batch folder; progress arrives as `export:progress` events. */
  'export:start': {
    input: z.strictObject({ batchId: Id, preset: z.enum(PRESET_NAMES), fileName: PlainFileName, overwrite: z.boolean().optional() }),
    output: ExportJobViewSchema,
  },
  'export:cancel': { input: z.strictObject({ jobId: z.string().min(1).max(100) }), output: ExportJobViewSchema },
  /** The batch's latest export (running or finished), so a reloaded window picks up where it was. */
  'export:status': { input: BatchRef, output: ExportJobViewSchema.nullable() },
  /** CMX 3600 EDL, FCPXML, FCP 7 XML (Premiere), OTIO (Resolve) and a contact sheet PNG of the saved timeline, written into the batch folder. */
  'export:handoff': {
    input: BatchRef,
    output: z.object({
      files: z.array(
        z.object({
          kind: z.enum(['edl', 'fcpxml', 'xmeml', 'otio', 'contact-sheet']),
          /** `conformed`: the file references media conformed to the timeline's rate (cached in exports/conformed media/). */
          media: z.enum(['native', 'conformed']).default('native'),
          fileName: z.string(),
          path: z.string(),
        }),
      ),
      /** Why conformed media was written too (a clip at 12 or 16 fps, or at a rate the timeline's frames do not meet); empty when not. */
      conformReasons: z.array(Text).default([]),
    }),
  },
  /** Saved column-mapping profiles (canonical column -> the sheet's header text). */
  'mapping:list': { input: NoInput, output: MappingProfilesSchema },
  'mapping:save': { input: z.strictObject({ name: z.string().trim().min(1, 'Give the profile a name.').max(100, 'At most 100 characters.'), mapping: ProfileMapping }), output: MappingProfilesSchema },
  'mapping:delete': { input: z.strictObject({ name: z.string().trim().min(1).max(100) }), output: MappingProfilesSchema },
  /** The batch's results as CSV text (formula-escaped, no download links) for the page to save. */
  'batch:resultsSheet': { input: BatchRef, output: z.object({ fileName: z.string(), csv: z.string() }) },
  /** Raises, lowers or (null) removes a queued batch's spend cap; main refuses a cap below what is already used. */
  'batch:setBudget': {
    input: z.strictObject({ batchId: Id, budgetUsd: z.number().finite().positive('A cap must be more than $0.').max(100_000, 'At most $100,000.').nullable() }),
    output: BatchViewSchema,
  },
  'draft:list': { input: NoInput, output: DraftList },
  'draft:get': { input: DraftRef, output: DraftSchema },
  /** Saves an edited sheet (a new draft without an id); answers with what the draft list shows. */
  'draft:save': {
    input: z.strictObject({
      id: z.uuid().optional(),
      title: shortText(300),
      fileName: shortText(300),
      rehearsal: z.boolean(),
      /** The edited sheet as a CSV file's bytes (UTF-8), sent as importSheet's are: no string of megabytes to post. */
      bytes: z
        .instanceof(Uint8Array)
        .refine((b) => b.byteLength <= MAX_SHEET_BYTES, 'The sheet is larger than 20 MB.'),
      mapping: DraftMapping,
      defaults: BatchDefaultsSchema,
      budgetUsd: z.number().finite().positive().max(100_000).nullable(),
      rows: z.number().int().min(0).max(1_000_000),
    }),
    output: DraftSummarySchema,
  },
  'draft:delete': { input: DraftRef, output: DraftList },
  /** A batch's morning report; without a batch, the newest finished one not seen yet (null: nothing new). */
  'report:get': { input: z.strictObject({ batchId: Id.optional() }).optional(), output: MorningReportSchema.nullable() },
  /** The user has read it: it is not shown again at start. */
  'report:markSeen': { input: BatchRef, output: z.object({ ok: z.literal(true) }) },
} satisfies Record<CallName, { input: z.ZodType; output: z.ZodType }>;

// Every name in contract-names.ts has a schema pair, and no schema pair lacks a name.
type _ExactlyTheNames = [keyof typeof calls] extends [CallName] ? ([CallName] extends [keyof typeof calls] ? true : never) : never;
export const _callsCoverNames: _ExactlyTheNames = true;

// ---- the events ----

export const events = {
  'row:changed': z.object({ batchId: Id, row: RowViewSchema, message: Text }),
  'batch:changed': BatchViewSchema,
  balance: z.object({ balanceUsd: Usd, rehearsal: z.boolean() }),
  'export:progress': ExportJobViewSchema,
  /** A command from the desktop menu for the page (browser mode never sends it). */
  'menu:command': z.object({ command: z.enum(['open-sheet']) }),
  /** A batch just ended (or the app started after one did): its morning report. */
  'report:ready': MorningReportSchema,
  notice: z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: Text,
    kind: z.enum(['general', 'batch-finished', 'batch-needs-attention', 'batch-paused', 'batch-paused-balance', 'all-done', 'engine-busy', 'batch-waiting', 'morning-report']),
    batchId: Id.nullable(),
  }),
} satisfies Record<EventName, z.ZodType>;

// ---- the types the preload, the renderer and the transports share ----

export type Calls = typeof calls;
/** What the caller sends. */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What a handler receives, after parsing. */
export type ParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
/** What a handler may return (before the output schema strips and scrubs it). */
export type HandlerOutput<N extends CallName> = z.input<Calls[N]['output']>;
/** What the caller receives. */
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const ErrorInfoSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type CallError = z.infer<typeof ErrorInfoSchema>;
/** Every call answers with this envelope on every transport; a rejected promise means the transport itself failed. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: CallError };

type Domain<N> = N extends `${infer D}:${string}` ? D : never;
type CallArgs<N extends CallName> = undefined extends CallInput<N> ? [input?: CallInput<N>] : [input: CallInput<N>];

/** The API the page sees, identical in the desktop app (window.venice) and in browser mode (an HTTP client). */
export type Bridge = {
  [D in Domain<CallName>]: {
    [N in CallName as N extends `${D}:${infer V}` ? V : never]: (...args: CallArgs<N>) => Promise<CallResult<CallOutput<N>>>;
  };
} & {
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
};
