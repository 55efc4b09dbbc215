/**
 * Edited sheets not yet queued, kept in the data folder so a misclick (opening another file), a closed window or a
 * restart loses nothing: each draft is the edited rows as CSV with the column mapping, batch defaults and spend cap
 * they were edited under. One JSON file per draft, written to a temporary file and renamed, so a crash mid-write
 * leaves the previous version, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './app-errors';

export interface DraftInput {
  id?: string;
  /** What the batch would be called ("days (Day 2)"). */
  title: string;
  /** The sheet the edits started from ("days.xlsx"). */
  fileName: string;
  rehearsal: boolean;
  csv: string;
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

export type Draft = DraftSummary & Omit<DraftInput, 'id'>;

/** A generous bound: a draft is one sheet, and the list is shown on screen. */
const MAX_DRAFTS = 50;
const ID = /^[0-9a-f-]{36}$/;

export class Drafts {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = path.join(dataDir, 'drafts');
  }

  list(): DraftSummary[] {
    return this.all()
      .map(({ id, title, fileName, rehearsal, rows, savedAt }) => ({ id, title, fileName, rehearsal, rows, savedAt }))
      .sort((a, b) => b.savedAt - a.savedAt);
  }

  get(id: string): Draft {
    const d = this.read(id);
    if (!d) throw new UserError('not_found', 'That draft is no longer there (it was queued or deleted).');
    return d;
  }

  save(input: DraftInput): DraftSummary {
    const id = input.id ?? randomUUID();
    if (!ID.test(id)) throw new UserError('invalid', 'That is not a draft of this app.');
    if (!input.id && this.files().length >= MAX_DRAFTS) {
      throw new UserError('invalid', `There are already ${MAX_DRAFTS} drafts: open and queue, or delete, some of them first.`);
    }
    const draft: Draft = { ...input, id, savedAt: this.now() };
    mkdirSync(this.dir, { recursive: true });
    const file = this.fileOf(id);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(draft));
    renameSync(temp, file);
    return { id, title: draft.title, fileName: draft.fileName, rehearsal: draft.rehearsal, rows: draft.rows, savedAt: draft.savedAt };
  }

  delete(id: string): { drafts: DraftSummary[] } {
    if (ID.test(id)) rmSync(this.fileOf(id), { force: true });
    return { drafts: this.list() };
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private files(): string[] {
    try {
      return readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
  }

  private all(): Draft[] {
    return this.files()
      .map((f) => this.read(f.slice(0, -'.json'.length)))
      .filter((d): d is Draft => d !== undefined);
  }

  /** A draft file that does not parse (edited by hand, a disk error) is left alone and not listed. */
  private read(id: string): Draft | undefined {
    if (!ID.test(id)) return undefined;
    try {
      const d = JSON.parse(readFileSync(this.fileOf(id), 'utf8')) as Draft;
      return typeof d.csv === 'string' && typeof d.title === 'string' ? { ...d, id } : undefined;
    } catch {
      return undefined;
    }
  }
}
