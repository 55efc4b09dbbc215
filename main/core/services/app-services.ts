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
import { QueueStore } from '../queue/store';
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
}

/** A model as the UI sees it: the rules the catalog derives from Venice's constraints (video-to-video is not offered). */
export type ModelView = Omit<ModelRules, 'requiresVideo'>;

export class AppServices {
  readonly store: QueueStore;
  readonly links: VeniceLinks;
  readonly secrets: SecretStore;
  readonly settings: SettingsFile;
  readonly engine: Engine;
  readonly events: EventHub;
  readonly batches: BatchOperations;
  readonly timelines: TimelineService;
  readonly exports: ExportJobs;
  private readonly quoteCaches = new Map<string, QuoteCache>();
  private engineState: AppInfo['engine'] = { state: 'stopped', message: null };
  private media: AppInfo['media'] = { found: false, source: null, message: null };
  private unsubscribeEngine: (() => void) | undefined;
  private watchdog: Watchdog | undefined;

  constructor(readonly opts: AppServicesOptions) {
    const env = opts.env ?? process.env;
    mkdirSync(opts.dataDir, { recursive: true });
    this.store = new QueueStore(path.join(opts.dataDir, 'queue.sqlite'));
    this.secrets = opts.secrets ?? new SecretStore(env);
    this.links = new VeniceLinks({ dataDir: opts.dataDir, env, secrets: this.secrets, rehearsalProcessingMs: opts.rehearsalProcessingMs });
    this.settings = new SettingsFile(opts.dataDir, opts.settingsDefaults);
    this.events = new EventHub(() => this.store);
    this.engine = new Engine({
      store: this.store,
      connect: async (baseUrl) => {
        const link = await this.links.link(baseUrl);
        return { apiKey: link.apiKey, client: this.reportingBalance(link.client, baseUrl === REHEARSAL_BASE_URL) };
      },
      role: opts.mode === 'desktop' ? 'Venice Batch app' : 'Venice Batch browser mode',
      ...opts.engine,
    });
    this.batches = new BatchOperations(this);
    this.timelines = new TimelineService(this.store, (rowId) => this.mediaFile(rowId));
    this.exports = new ExportJobs({
      store: this.store,
      timelines: this.timelines,
      mediaFile: (rowId) => this.mediaFile(rowId),
      musicFile: (batchId) => this.musicFile(batchId),
      dataDir: opts.dataDir,
      emit: (job) => this.events.exportProgress(job),
    });
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
    // A killed export leaves its work folder (copies of clips) behind: nothing else ever removes it.
    await this.exports.sweep().catch(() => undefined);
    this.events.primePhases();
    this.unsubscribeEngine = this.engine.subscribe((e) => this.events.fromEngine(e));
    try {
      await this.engine.start();
      this.engineState = { state: 'running', message: null };
      // A batch that ended overnight (or while the app was closed) is this morning's news.
      this.events.morningAfter();
    } catch (e) {
      if (!(e instanceof EngineBusyError)) throw e;
      this.engineState = { state: 'busy', message: `${e.message} Batches here are shown as that process runs them.` };
      this.events.notice('warning', e.message, 'engine-busy');
    }
  }

  async close(): Promise<void> {
    // Running exports stop first, and their cancelled state is still announced, while the store is open.
    await this.exports.close();
    // The engine first: work under way finishes (and announces itself) while the store is still open.
    if (this.engineState.state === 'running') await this.engine.stop();
    this.events.close();
    this.engineState = { state: 'stopped', message: null };
    this.unsubscribeEngine?.();
    await this.links.close();
    this.store.close();
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
  runningBatchIds(): number[] {
    return this.batches.list().filter((b) => b.phase === 'running').map((b) => b.id);
  }

  /** The clip of a done row, only if its real path (symlinks followed) is inside its batch's output folder. */
  mediaFile(rowId: number): string | undefined {
    const row = this.store.getRow(rowId);
    const batch = row && this.store.getBatch(row.batchId);
    if (!row?.filePath || !batch) return undefined;
    return realFileInside(batch.outputDir, row.filePath);
  }

  /** A JPEG frame of a done row's clip (made once per file version, cached in the data folder); undefined without a clip. */
  async thumbnailFile(rowId: number): Promise<string | undefined> {
    const file = this.mediaFile(rowId);
    if (!file) return undefined;
    const info = await this.timelines.probes.probe(file).catch(() => undefined);
    return thumbnailFor({ file, key: `row-${rowId}`, durationSec: info?.durationSec ?? null, cacheDir: path.join(this.opts.dataDir, 'cache', 'thumbs') }).catch(() => undefined);
  }

  /** A done row's frame strip for the timeline (frame-strip.ts), made once per file version; undefined without a clip. */
  async stripFile(rowId: number): Promise<string | undefined> {
    const file = this.mediaFile(rowId);
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
    const file = this.mediaFile(rowId);
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
    const file = this.mediaFile(rowId);
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
    const file = this.musicFile(batchId);
    if (!file) return null;
    try {
      return await waveformFor({ file, key: `music-${batchId}`, cacheDir: path.join(this.opts.dataDir, 'cache', 'waves') });
    } catch (e) {
      throw new UserError('invalid', `The music file could not be read to draw its waveform: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** The batch's music bed, only if it is inside the batch's output folder. */
  musicFile(batchId: number): string | undefined {
    const batch = this.store.getBatch(batchId);
    const music = batch && this.timelines.timelines.getMusic(batchId);
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
