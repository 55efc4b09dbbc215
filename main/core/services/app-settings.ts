/**
 * The app's settings, kept as JSON in the data folder (settings.json) so the desktop app and browser mode share
 * them. Read with defaults filled in (a missing or damaged file never stops the app), written atomically.
 * No secret ever lives here: the API key is in the OS keychain (see ../secrets).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NAME_TEMPLATE } from '../queue/output-names';

export const WHEN_DONE = ['nothing', 'quit', 'sleep'] as const;
export type WhenDone = (typeof WHEN_DONE)[number];

/** A name template: text with `{field}` placeholders; no path separators (a clip never leaves its folder). */
export const NameTemplateSchema = z
  .string()
  .trim()
  .min(1, 'The file-name template is empty.')
  .max(200, 'The file-name template is longer than 200 characters.')
  .refine((t) => !/[\\/]/.test(t), 'The file-name template cannot contain / or \\: clips always go in the output folder.');

export const AbsolutePathSchema = z
  .string()
  .trim()
  .min(1, 'Choose a folder.')
  .max(4096)
  .refine((p) => path.isAbsolute(p), 'Give the full path of the folder (for example /Users/you/Videos/Venice).');

/** The studio queue's address as the settings keep it: postgres://, a host and a database, no password. */
export const StudioQueueSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => /^postgres(ql)?:\/\/[^/]+\/[^/?#]+/.test(u), 'Give the studio queue as postgres://user@host:5432/database.')
  .refine((u) => {
    try {
      return new URL(u).password === '';
    } catch {
      return false;
    }
  }, 'Leave the password out of the address: put it in ~/.pgpass (or PGPASSWORD) on each machine.');

export const SettingsSchema = z.object({
  /** New batches run against the built-in simulator: nothing is charged. On until the user turns it off. */
  rehearsal: z.boolean(),
  /** Clips of one batch generated at once. */
  concurrency: z.number().int().min(1).max(20),
  /** Where each new batch gets its own folder of clips. */
  outputDir: AbsolutePathSchema,
  nameTemplate: NameTemplateSchema,
  /** What the computer does when every batch has finished (desktop app). */
  whenDone: z.enum(WHEN_DONE),
  /** A folder holding ffmpeg and ffprobe, when the user wants their own copies. */
  ffmpegDir: AbsolutePathSchema.nullable(),
  /**
   * A studio's shared queue (postgres://user@host:5432/database), or null for this computer's own. Never with a
   * password: that stays in ~/.pgpass or PGPASSWORD, so no secret lives in this file or reaches the window.
   * VENICE_BATCH_DB, when set, wins over it. Takes effect when the app starts again.
   */
  studioQueue: StudioQueueSchema.nullable().default(null),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export function defaultSettings(home: string = os.homedir()): Settings {
  return {
    rehearsal: true,
    concurrency: 4,
    outputDir: path.join(home, 'Videos', 'Venice Batch'),
    nameTemplate: DEFAULT_NAME_TEMPLATE,
    whenDone: 'nothing',
    ffmpegDir: null,
    studioQueue: null,
  };
}

export class SettingsFile {
  private current: Settings;
  readonly file: string;

  constructor(dataDir: string, defaults: Settings = defaultSettings()) {
    this.file = path.join(dataDir, 'settings.json');
    this.current = SettingsFile.read(this.file, defaults);
  }

  /** Each field that is missing or invalid in the file falls back to its default; the others are kept. */
  private static read(file: string, defaults: Settings): Settings {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return { ...defaults };
    }
    const out: Record<string, unknown> = { ...defaults };
    if (raw && typeof raw === 'object') {
      for (const [key, field] of Object.entries(SettingsSchema.shape)) {
        const parsed = field.safeParse((raw as Record<string, unknown>)[key]);
        if (parsed.success) out[key] = parsed.data;
      }
    }
    return SettingsSchema.parse(out);
  }

  get(): Settings {
    return { ...this.current };
  }

  set(patch: SettingsPatch): Settings {
    const next = SettingsSchema.parse({ ...this.current, ...SettingsPatchSchema.parse(patch) });
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.current = next;
    return this.get();
  }
}
