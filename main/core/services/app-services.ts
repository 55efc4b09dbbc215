/**
 * The app's operations over one data folder: the queue store, the engine that runs it, the Venice endpoints (the
 * real API and the Rehearsal simulator), the keychain, and settings. Every transport (Electron IPC, browser mode
 * over HTTP, tests) calls these through the contract's handler table; nothing here knows which one is asking.
 */
import type { ModelRules } from '../venice/model-rules';
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { useMediaBinaries, type MediaBinaries } from '../media/ffmpeg-binaries';
import { startLoopWatchdog, watchdogWanted, type Watchdog } from '../loop-watchdog';
import { checkOutputFolder, OutputFolderError, realFileInside } from '../media/output-folder';
import { frameStripFor, scrubSpriteFor } from '../media/frame-strip';
import { ProxyMaker } from '../media/proxy';
import { thumbnailFor } from '../media/thumbnail';
import { waveformFor, type Waveform } from '../media/waveform';
import type { EngineClient } from '../queue/engine-context';
import { Engine, type EngineOptions } from '../queue/engine';
import { EngineBusyError } from '../queue/engine-lock';
import { openQueue, studioQueueUrl, type OpenedQueue } from '../queue/open-queue';
import { QueueStore as LocalQueueStore, type QueueStore } from '../queue/store';
import { SqliteQueueStore } from '../queue/sqlite-adapter/store';
import { describePgUrl } from '../queue/pg/pg-store';
import type { QueueStoreApi } from '../queue/store-api';
import { SecretStore, type KeyStatus } from '../secrets/secret-store';
import { ModelCatalog, type Catalog } from '../venice/catalog';
import type { ResponseMeta } from '../venice/response-meta';
import { SettingsFile, type Settings, type SettingsPatch } from './app-settings';
import { EventHub, type AppListener } from './app-events';
import { UserError, describeError } from './app-errors';
import { BatchOperations } from './batch-operations';
import { checkKey } from './key-check';
import { QuoteCache } from './quotes';
import { REHEARSAL_BASE_URL, VeniceLinks } from './venice-connection';
import { ExportJobs } from './export-jobs';
import { TimelineService } from './timeline-service';

export interface AppServicesOptions {
  dataDir: string;
  mode: 'desktop' | 'browser' | 'test';
  version: string;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretStore;
  /** Engine timings (tests and demos shrink them). */
  engine?: Pick<EngineOptions, 'pollPolicy' | 'tickMs' | 'maxInFlight'>;
  rehearsalProcessingMs?: number;
  /** Where a packaged app keeps its own ffmpeg and ffprobe. */
  bundledMediaDir?: string;
  /** Settings defaults (tests point the output folder at a temp dir). */
  settingsDefaults?: Settings;
}

export interface KeyStatusView {
  set: boolean;
  source: KeyStatus['source'];
  last4: string | null;
  keychainAvailable: boolean;
  problem: string | null;
}

export interface AppInfo {
  version: string;
  mode: AppServicesOptions['mode'];
  platform: string;
  dataDir: string;
  engine: { state: 'running' | 'busy' | 'stopped'; message: string | null };
  media: { found: boolean; source: MediaBinaries['source'] | null; message: string | null };
  /** Which queue this app works on: this computer's own, or the studio's shared one (never with its password). */
  queue: { kind: 'local' | 'studio'; description: string; problem: string | null };
}

/** How often a studio queue that could not be opened at start is tried again. */
const REOPEN_MS = 10_000;

/** A model as the UI sees it: the rules the catalog derives from Venice's constraints (video-to-video is not offered). */
export type ModelView = Omit<ModelRules, 'requiresVideo'>;

export class AppServices {
  readonly links: VeniceLinks;
  readonly secrets: SecretStore;
  readonly settings: SettingsFile;
  readonly events: EventHub;
  readonly batches: BatchOperations;
  private opened: { queue: OpenedQueue; engine: Engine; timelines: TimelineService; exports: ExportJobs } | undefined;
  /** The studio queue's address (VENICE_BATCH_DB, else Settings > Studio queue), or undefined for the local queue. */
  private readonly studioUrl: string | undefined;
  private queueProblem: string | null = null;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly quoteCaches = new Map<string, QuoteCache>();
  private engineState: AppInfo['engine'] = { state: 'stopped', message: null };
  private media: AppInfo['media'] = { found: false, source: null, message: null };
  private unsubscribeEngine: (() => void) | undefined;
  private watchdog: Watchdog | undefined;

  constructor(readonly opts: AppServicesOptions) {
    const env = opts.env ?? process.env;
    mkdirSync(opts.dataDir, { recursive: true });
    this.secrets = opts.secrets ?? new SecretStore(env);
    this.links = new VeniceLinks({ dataDir: opts.dataDir, env, secrets: this.secrets, rehearsalProcessingMs: opts.rehearsalProcessingMs });
    this.settings = new SettingsFile(opts.dataDir, opts.settingsDefaults);
    this.events = new EventHub(() => this.queue);
    this.batches = new BatchOperations(this);
    let url: string | undefined;
    try {
      url = studioQueueUrl(env.VENICE_BATCH_DB) ?? studioQueueUrl(this.settings.get().studioQueue);
    } catch (e) {
      this.queueProblem = `${(e as Error).message} Using this computer's own queue.`;
    }
    this.studioUrl = url;
    // The local queue opens at once (a file); the studio queue is a network away and opens in start().
    if (!url) this.useQueue(openLocalNow(opts.dataDir));
  }

  /** The queue every operation reads and writes: this computer's own, or the studio's shared one. */
  get queue(): QueueStoreApi {
    if (!this.opened) throw new UserError('busy', this.queueProblem ?? 'The studio queue is still being opened: try again in a moment.');
    return this.opened.queue.queue;
  }

  /** The local SQLite store underneath, when the queue is this computer's own. */
  get store(): QueueStore | undefined {
    return this.opened?.queue.local;
  }

  get engine(): Engine {
    if (!this.opened) throw new UserError('busy', this.queueProblem ?? 'The studio queue is still being opened: try again in a moment.');
    return this.opened.engine;
  }

  get timelines(): TimelineService {
    return this.openedOrThrow().timelines;
  }

  get exports(): ExportJobs {
    return this.openedOrThrow().exports;
  }

  private openedOrThrow() {
    if (!this.opened) throw new UserError('busy', this.queueProblem ?? 'The studio queue is still being opened: try again in a moment.');
    return this.opened;
  }

  /** Builds what works on the queue once it is open: the engine, the timelines, the exports. */
  private useQueue(q: OpenedQueue): void {
    const opts = this.opts;
    const engine = new Engine({
      store: q.queue,
      connect: async (baseUrl) => {
        const link = await this.links.link(baseUrl);
        return { apiKey: link.apiKey, client: this.reportingBalance(link.client, baseUrl === REHEARSAL_BASE_URL) };
      },
      role: opts.mode === 'desktop' ? 'Venice Batch app' : 'Venice Batch browser mode',
      journalFile: q.journalFile,
      ...opts.engine,
    });
    const timelines = new TimelineService(q.queue, (rowId) => this.mediaFile(rowId));
    const exports = new ExportJobs({
      store: q.queue,
      timelines,
      mediaFile: (rowId) => this.mediaFile(rowId),
      musicFile: (batchId) => this.musicFile(batchId),
      dataDir: opts.dataDir,
      emit: (job) => this.events.exportProgress(job),
    });
    this.opened = { queue: q, engine, timelines, exports };
  }

  /** Starts the engine (unless another process runs this queue) and finds ffmpeg. Never throws for either. */
  async start(): Promise<void> {
    // Read the key once now: reading registers it with the redactor, so no answer can echo it unscrubbed. Not
    // awaited: a keychain waiting to be unlocked must not hold up the window.
    void this.secrets.getKey().catch(() => undefined);
    // Development and tests: any turn of the event loop over 100 ms is logged with the call that caused it.
    if (watchdogWanted(this.opts.mode, this.opts.env ?? process.env)) {
      this.watchdog ??= startLoopWatchdog({ thresholdMs: 100, log: (line) => console.warn(`venice-batch: ${line}`) });
    }
    try {
      this.media = { found: true, source: useMediaBinaries({ settingDir: this.settings.get().ffmpegDir ?? undefined, bundledDir: this.opts.bundledMediaDir }).source, message: null };
    } catch (e) {
      this.media = { found: false, source: null, message: describeError(e).message };
      this.events.notice('error', this.media.message ?? 'ffmpeg was not found.');
    }
    if (!this.opened && this.studioUrl && !(await this.openStudio())) {
      // Tried again in the background: the app works (settings, keys, sheets) and the queue joins when it answers.
      this.scheduleReopen();
      return;
    }
    await this.startEngine();
  }

  /** Opens the studio queue; false (and the reason kept for the user) when it cannot be reached. */
  private async openStudio(): Promise<boolean> {
    try {
      const q = await openQueue({ dataDir: this.opts.dataDir, env: this.opts.env ?? process.env, studioUrl: this.studioUrl });
      if (this.closed) {
        await q.queue.close();
        return false;
      }
      this.queueProblem = null;
      this.useQueue(q);
      return true;
    } catch (e) {
      const message = `The studio queue cannot be reached: ${(e as Error).message}. Trying again every ${REOPEN_MS / 1000} s; check Settings > Studio queue.`;
      if (this.queueProblem !== message) this.events.notice('error', message, 'engine-busy');
      this.queueProblem = message;
      return false;
    }
  }

  private scheduleReopen(): void {
    if (this.closed) return;
    this.reopenTimer = setTimeout(() => {
      void (async () => {
        if (await this.openStudio()) await this.startEngine().catch((e) => this.events.notice('error', describeError(e).message));
        else this.scheduleReopen();
      })();
    }, REOPEN_MS);
  }

  private async startEngine(): Promise<void> {
    // A killed export leaves its work folder (copies of clips) behind: nothing else ever removes it.
    await this.exports.sweep().catch(() => undefined);
    await this.events.primePhases();
    this.unsubscribeEngine = this.engine.subscribe((e) => this.events.fromEngine(e));
    try {
      await this.engine.start();
      this.engineState = { state: 'running', message: null };
      // A batch that ended overnight (or while the app was closed) is this morning's news.
      await this.events.morningAfter();
    } catch (e) {
      if (!(e instanceof EngineBusyError)) throw e;
      this.engineState = { state: 'busy', message: `${e.message} Batches here are shown as that process runs them.` };
      this.events.notice('warning', e.message, 'engine-busy');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    // Running exports stop first, and their cancelled state is still announced, while the store is open.
    if (this.opened) await this.opened.exports.close();
    // The engine first: work under way finishes (and announces itself) while the store is still open.
    if (this.engineState.state === 'running' && this.opened) await this.opened.engine.stop();
    this.events.close();
    this.engineState = { state: 'stopped', message: null };
    this.unsubscribeEngine?.();
    await this.links.close();
    await this.opened?.queue.queue.close();
    this.watchdog?.stop();
    this.watchdog = undefined;
  }

  on(fn: AppListener): () => void {
    return this.events.on(fn);
  }

  info(): AppInfo {
    return {
      version: this.opts.version,
      mode: this.opts.mode,
      platform: process.platform,
      dataDir: this.opts.dataDir,
      engine: { ...this.engineState },
      media: { ...this.media },
      queue: {
        kind: this.studioUrl ? 'studio' : 'local',
        description: this.opened ? this.opened.queue.queue.describe() : describeStudioUrl(this.studioUrl),
        problem: this.queueProblem,
      },
    };
  }

  baseUrlFor(rehearsal: boolean): string {
    return this.links.baseUrlFor(rehearsal);
  }

  async catalog(rehearsal: boolean, refresh = false): Promise<Catalog> {
    const link = await this.links.link(this.baseUrlFor(rehearsal));
    return new ModelCatalog(link.client, path.join(this.opts.dataDir, 'cache')).load({ refresh });
  }

  /** Quotes are free and the same for everyone: one cache per endpoint. Undefined when no key can price them. */
  async quotes(rehearsal: boolean): Promise<QuoteCache | undefined> {
    if (!rehearsal && !(await this.secrets.getKey())) return undefined;
    const baseUrl = this.baseUrlFor(rehearsal);
    let cache = this.quoteCaches.get(baseUrl);
    if (!cache) {
      const link = await this.links.link(baseUrl);
      cache = new QuoteCache(link.client);
      this.quoteCaches.set(baseUrl, cache);
    }
    return cache;
  }

  async listModels(input: { rehearsal: boolean; refresh?: boolean }): Promise<{ models: ModelView[]; fetchedAt: number; stale: boolean; warning: string | null }> {
    const c = await this.catalog(input.rehearsal, input.refresh);
    return {
      models: c.models.map((m) => ({
        id: m.id,
        name: m.name,
        kind: m.kind,
        durations: m.durations,
        resolutions: m.resolutions,
        aspectRatios: m.aspectRatios,
        audio: m.audio,
        audioConfigurable: m.audioConfigurable,
        promptLimit: m.promptLimit,
        requiresImage: m.requiresImage,
        deprecation: m.deprecation,
        beta: m.beta,
      })),
      fetchedAt: c.fetchedAt,
      stale: c.stale,
      warning: c.warning ?? null,
    };
  }

  getSettings(): Settings {
    return this.settings.get();
  }

  /** Saves settings; a new output folder is checked first (exists or can be made, writable, on a real disk). */
  async setSettings(patch: SettingsPatch): Promise<Settings> {
    if (patch.outputDir !== undefined && patch.outputDir.trim() !== this.settings.get().outputDir) {
      try {
        await checkOutputFolder(patch.outputDir.trim());
      } catch (e) {
        if (e instanceof OutputFolderError) throw new UserError('invalid', e.message);
        throw e;
      }
    }
    return this.settings.set(patch);
  }

  // ---- the API key: only ever reported as set / source / last four characters ----

  async keyStatus(): Promise<KeyStatusView> {
    const s = await this.secrets.status();
    return { set: s.set, source: s.source, last4: s.last4 ?? null, keychainAvailable: s.keychainAvailable, problem: s.keychainProblem ?? null };
  }

  async setKey(input: { key: string }): Promise<KeyStatusView> {
    const key = input.key.trim();
    if (!key) throw new UserError('invalid', 'Paste your Venice API key first.');
    const status = await this.secrets.status();
    if (!status.keychainAvailable) throw new UserError('keychain_unavailable', status.keychainProblem ?? 'The system keychain is not available.');
    await checkKey(this.baseUrlFor(false), key);
    await this.secrets.setKey(key);
    this.quoteCaches.delete(this.baseUrlFor(false));
    // A batch waiting for a key Venice accepts goes on now, not at the next scheduled check.
    this.engine.checkHoldsNow();
    return this.keyStatus();
  }

  async clearKey(): Promise<KeyStatusView> {
    const status = await this.secrets.status();
    if (!status.keychainAvailable) throw new UserError('keychain_unavailable', status.keychainProblem ?? 'The system keychain is not available.');
    await this.secrets.clearKey();
    return this.keyStatus();
  }

  // ---- for the desktop shell ----

  /** Batches the engine is still working on (the shell keeps the machine awake and itself alive for them). */
  async runningBatchIds(): Promise<number[]> {
    return (await this.batches.list()).filter((b) => b.phase === 'running').map((b) => b.id);
  }

  /** The clip of a done row, only if its real path (symlinks followed) is inside its batch's output folder. */
  async mediaFile(rowId: number): Promise<string | undefined> {
    const row = await this.queue.getRow(rowId);
    const batch = row && (await this.queue.getBatch(row.batchId));
    if (!row?.filePath || !batch) return undefined;
    return realFileInside(batch.outputDir, row.filePath);
  }

  /** A JPEG frame of a done row's clip (made once per file version, cached in the data folder); undefined without a clip. */
  async thumbnailFile(rowId: number): Promise<string | undefined> {
    const file = await this.mediaFile(rowId);
    if (!file) return undefined;
    const info = await this.timelines.probes.probe(file).catch(() => undefined);
    return thumbnailFor({ file, key: `row-${rowId}`, durationSec: info?.durationSec ?? null, cacheDir: path.join(this.opts.dataDir, 'cache', 'thumbs') }).catch(() => undefined);
  }

  /** A done row's frame strip for the timeline (frame-strip.ts), made once per file version; undefined without a clip. */
  async stripFile(rowId: number): Promise<string | undefined> {
    const file = await this.mediaFile(rowId);
    if (!file) return undefined;
    const info = await this.timelines.probes.probe(file).catch(() => undefined);
    if (!info?.durationSec) return undefined;
    // Keyed by the file itself (device and inode; the cache name adds mtime and size), so one file reachable from
    // two rows is decoded once.
    const st = await stat(file).catch(() => undefined);
    const key = st ? `strip-${st.dev}-${st.ino}` : `strip-row-${rowId}`;
    return frameStripFor({ file, key, durationSec: info.durationSec, cacheDir: path.join(this.opts.dataDir, 'cache', 'thumbs') }).catch(() => undefined);
  }

  /** A done row's scrub sprite (every frame, small; frame-strip.ts), made once per file; undefined without a clip. */
  async scrubFile(rowId: number): Promise<string | undefined> {
    const file = await this.mediaFile(rowId);
    if (!file) return undefined;
    const info = await this.timelines.probes.probe(file).catch(() => undefined);
    if (!info?.durationSec || !info.video?.fps) return undefined;
    const st = await stat(file).catch(() => undefined);
    const key = st ? `scrub-${st.dev}-${st.ino}` : `scrub-row-${rowId}`;
    return scrubSpriteFor({ file, key, durationSec: info.durationSec, fps: info.video.fps, cacheDir: path.join(this.opts.dataDir, 'cache', 'thumbs') }).catch(() => undefined);
  }

  private proxyMaker: ProxyMaker | undefined;
  private get proxies(): ProxyMaker {
    return (this.proxyMaker ??= new ProxyMaker(path.join(this.opts.dataDir, 'cache', 'proxies')));
  }

  /**
   * What the viewer plays for a done row: its all-intra scrubbing proxy once made (proxy.ts), else the clip itself
   * (and the proxy is queued). Undefined without a clip.
   */
  async viewFile(rowId: number): Promise<{ file: string; proxy: boolean } | undefined> {
    const file = await this.mediaFile(rowId);
    if (!file) return undefined;
    const info = await this.timelines.probes.probe(file).catch(() => undefined);
    if (!info?.video) return { file, proxy: false };
    const st = await stat(file).catch(() => undefined);
    const proxy = await this.proxies.ready({ file, key: st ? `proxy-${st.dev}-${st.ino}` : `proxy-row-${rowId}`, height: info.video.height, hasAudio: info.audio !== undefined });
    return proxy ? { file: proxy, proxy: true } : { file, proxy: false };
  }

  /**
   * Queues the proxies of these rows (a timeline being opened), in timeline order, then makes their scrub sprites,
   * one at a time in the background: what scrubbing reads is then ready before the editor scrubs.
   */
  warmProxies(rowIds: readonly number[]): void {
    void (async () => {
      for (const id of rowIds) await this.viewFile(id).catch(() => undefined);
      await this.proxies.idle();
      for (const id of rowIds) await this.scrubFile(id).catch(() => undefined);
    })();
  }

  /** Resolves when no proxy is queued or being made. */
  proxiesIdle(): Promise<void> {
    return this.proxies.idle();
  }

  /** The music bed's waveform peaks (waveform.ts), or null when the batch has no music. */
  async musicWaveform(batchId: number): Promise<Waveform | null> {
    const file = await this.musicFile(batchId);
    if (!file) return null;
    try {
      return await waveformFor({ file, key: `music-${batchId}`, cacheDir: path.join(this.opts.dataDir, 'cache', 'waves') });
    } catch (e) {
      throw new UserError('invalid', `The music file could not be read to draw its waveform: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** The batch's music bed, only if it is inside the batch's output folder. */
  async musicFile(batchId: number): Promise<string | undefined> {
    const batch = await this.queue.getBatch(batchId);
    const music = batch && (await this.queue.timelines.getMusic(batchId));
    if (!batch || !music) return undefined;
    return realFileInside(batch.outputDir, music.filePath);
  }

  /** Wraps an endpoint's client so each answer's balance is published with the endpoint it belongs to. */
  private reportingBalance(client: EngineClient, rehearsal: boolean): EngineClient {
    const note = <T extends { meta: ResponseMeta }>(r: T): T => {
      if (r.meta.balanceUsd !== undefined) this.events.emit({ name: 'balance', payload: { balanceUsd: r.meta.balanceUsd, rehearsal } });
      return r;
    };
    return {
      queue: (...a) => client.queue(...a).then(note),
      retrieve: (...a) => client.retrieve(...a).then(note),
      complete: (...a) => client.complete(...a).then(note),
      quote: (...a) => client.quote(...a).then(note),
      downloadFromUrl: (...a) => client.downloadFromUrl(...a),
    };
  }
}

/** The local queue, opened at once (a file in the data folder). */
function openLocalNow(dataDir: string): OpenedQueue {
  const file = path.join(dataDir, 'queue.sqlite');
  const local = new LocalQueueStore(file);
  return { queue: new SqliteQueueStore(local, file), local, journalFile: path.join(dataDir, 'paid-journal.jsonl') };
}

/** host/database of the studio queue's address, for the user, before it is open. */
function describeStudioUrl(url: string | undefined): string {
  return url ? describePgUrl(url) : 'this computer';
}
