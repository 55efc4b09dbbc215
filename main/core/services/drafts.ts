/**
 * Edited sheets not yet queued, kept in the data folder so a misclick (opening another file), a closed window or a
 * restart loses nothing: each draft is the edited rows as CSV with the column mapping, batch defaults and spend cap
 * they were edited under. Two files per draft: `<id>.csv` (the sheet's text) and `<id>.json` (the rest, small), each
 * written to a temporary file and renamed, so a crash mid-write leaves the previous version, never half of one.
 * Why two: the list reads every draft's details, and with the text inside them a few 100,000-row drafts (20 MB
 * each) were parsed whole, holding the app's thread for seconds. Drafts saved as one JSON file (the text inside)
 * are still read. All file work is asynchronous: a 20 MB write must not hold the thread the page talks to.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from './app-errors';

export interface DraftInput {
  id?: string;
  /** What the batch would be called ("days (Day 2)"). */
  title: string;
  /** The sheet the edits started from ("days.xlsx"). */
  fileName: string;
  rehearsal: boolean;
  /** The edited sheet as a CSV file's bytes (UTF-8), written as they come. */
  bytes: Uint8Array;
  mapping: Record<string, string>;
  defaults: Record<string, unknown>;
  budgetUsd: number | null;
  rows: number;
}

export interface DraftSummary {
  id: string;
  title: string;
  fileName: string;
  rehearsal: boolean;
  rows: number;
  savedAt: number;
}

export type Draft = DraftSummary & Omit<DraftInput, 'id' | 'bytes'> & { csv: string };

/** A generous bound: a draft is one sheet, and the list is shown on screen. */
const MAX_DRAFTS = 50;
const ID = /^[0-9a-f-]{36}$/;

type DraftDetails = Omit<Draft, 'csv'> & { csv?: string };

export class Drafts {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = path.join(dataDir, 'drafts');
  }

  async list(): Promise<DraftSummary[]> {
    const all = await Promise.all((await this.ids()).map((id) => this.details(id)));
    return all
      .filter((d): d is DraftDetails => d !== undefined)
      .map(({ id, title, fileName, rehearsal, rows, savedAt }) => ({ id, title, fileName, rehearsal, rows, savedAt }))
      .sort((a, b) => b.savedAt - a.savedAt);
  }

  async get(id: string): Promise<Draft> {
    const d = await this.details(id);
    const csv = d && (d.csv ?? (await readFile(this.fileOf(id, 'csv'), 'utf8').catch(() => undefined)));
    if (!d || csv === undefined) throw new UserError('not_found', 'That draft is no longer there (it was queued or deleted).');
    return { ...d, csv };
  }

  async save(input: DraftInput): Promise<DraftSummary> {
    const id = input.id ?? randomUUID();
    if (!ID.test(id)) throw new UserError('invalid', 'That is not a draft of this app.');
    if (!input.id && (await this.ids()).length >= MAX_DRAFTS) {
      throw new UserError('invalid', `There are already ${MAX_DRAFTS} drafts: open and queue, or delete, some of them first.`);
    }
    const { bytes, ...rest } = input;
    const details: DraftDetails = { ...rest, id, savedAt: this.now() };
    await mkdir(this.dir, { recursive: true });
    // The text first: details that name a sheet whose text is not there yet are never left behind.
    await this.writeWhole(this.fileOf(id, 'csv'), bytes);
    await this.writeWhole(this.fileOf(id, 'json'), JSON.stringify(details));
    return { id, title: details.title, fileName: details.fileName, rehearsal: details.rehearsal, rows: details.rows, savedAt: details.savedAt };
  }

  async delete(id: string): Promise<{ drafts: DraftSummary[] }> {
    if (ID.test(id)) {
      await rm(this.fileOf(id, 'json'), { force: true });
      await rm(this.fileOf(id, 'csv'), { force: true });
    }
    return { drafts: await this.list() };
  }

  private fileOf(id: string, ext: 'json' | 'csv'): string {
    return path.join(this.dir, `${id}.${ext}`);
  }

  private async writeWhole(file: string, text: string | Uint8Array): Promise<void> {
    // Its own temporary name: two saves of one draft (two windows) may be writing at once.
    const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
  }

  private async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).filter((id) => ID.test(id));
    } catch {
      return [];
    }
  }

  /** A draft file that does not parse (edited by hand, a disk error) is left alone and not listed. */
  private async details(id: string): Promise<DraftDetails | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      const d = JSON.parse(await readFile(this.fileOf(id, 'json'), 'utf8')) as DraftDetails;
      return typeof d.title === 'string' && (d.csv === undefined || typeof d.csv === 'string') ? { ...d, id } : undefined;
    } catch {
      return undefined;
    }
  }
}
