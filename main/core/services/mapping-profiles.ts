/**
 * Saved column-mapping profiles ("Studio A": Beschreibung -> prompt, ...), kept in `<dataDir>/mapping-profiles.json`.
 * A missing or damaged file reads as no profiles plus a warning (it never stops the app); writes are atomic
 * (temporary file, then rename) so a crash mid-write cannot leave half a file behind.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CANONICAL_COLUMNS, type MappingOverride } from '../sheet/types';

export const MappingProfileSchema = z.object({
  name: z.string().trim().min(1).max(100),
  mapping: z.partialRecord(z.enum(CANONICAL_COLUMNS), z.string().min(1).max(200)),
  updatedAt: z.number(),
});
export type MappingProfile = z.infer<typeof MappingProfileSchema>;

const FileSchema = z.object({ version: z.literal(1), profiles: z.array(MappingProfileSchema) });

export interface ProfileList {
  profiles: MappingProfile[];
  /** Set when the file could not be read: the list is empty, and saving starts a fresh file. */
  warning: string | null;
}

export class MappingProfiles {
  readonly file: string;

  constructor(dataDir: string, private readonly now: () => number = Date.now) {
    this.file = path.join(dataDir, 'mapping-profiles.json');
  }

  list(): ProfileList {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: [], warning: null };
      return { profiles: [], warning: 'The saved mapping profiles could not be read; they start again empty.' };
    }
    try {
      const parsed = FileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { profiles: parsed.data.profiles.sort((a, b) => a.name.localeCompare(b.name)), warning: null };
    } catch {
      // fall through: not JSON
    }
    return { profiles: [], warning: 'The saved mapping profiles file is damaged; it starts again empty when you save a profile.' };
  }

  /** The profile of that name (ignoring case), if saved. */
  find(name: string): MappingProfile | undefined {
    const key = name.trim().toLowerCase();
    return this.list().profiles.find((p) => p.name.toLowerCase() === key);
  }

  /** Saves (or replaces, by name, ignoring case) one profile. */
  save(name: string, mapping: MappingProfile['mapping']): ProfileList {
    const profile = MappingProfileSchema.parse({ name, mapping, updatedAt: this.now() });
    const others = this.list().profiles.filter((p) => p.name.toLowerCase() !== profile.name.toLowerCase());
    return this.write([...others, profile]);
  }

  delete(name: string): ProfileList {
    return this.write(this.list().profiles.filter((p) => p.name.toLowerCase() !== name.trim().toLowerCase()));
  }

  private write(profiles: MappingProfile[]): ProfileList {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`);
    renameSync(tmp, this.file);
    return this.list();
  }
}

/**
 * A saved profile as the mapping to read a sheet with: every field it names comes from that header, and the fields
 * it leaves out are not read from the sheet at all, exactly as when the profile is applied in the app.
 */
export function profileOverride(profile: Pick<MappingProfile, 'mapping'>): MappingOverride {
  const out: MappingOverride = {};
  for (const column of CANONICAL_COLUMNS) out[column] = profile.mapping[column] ?? null;
  return out;
}
