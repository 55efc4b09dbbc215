/** Settings, the API key's status (set / where / last four characters: never the key) and the model list. */
import { create } from 'zustand';
import type { CallInput, CallOutput } from '../../../main/contract';
import { unwrap } from '../bridge';
import { reportError } from './app';
import { bridge } from './bridge';

type Settings = CallOutput<'settings:get'>;
type KeyStatus = CallOutput<'secrets:status'>;
type Model = CallOutput<'models:list'>['models'][number];

interface SettingsState {
  settings: Settings | undefined;
  key: KeyStatus | undefined;
  models: Model[];
  modelsWarning: string | null;
  load: () => Promise<void>;
  update: (patch: CallInput<'settings:set'>) => Promise<void>;
  /** Like update, but hands a refusal back (in the app's words, without the field name) for the form to show. */
  save: (patch: CallInput<'settings:set'>) => Promise<string | undefined>;
  loadModels: (rehearsal: boolean) => Promise<void>;
  /** Resolves to an error message, or undefined when the key was checked and saved. */
  saveKey: (key: string) => Promise<string | undefined>;
  clearKey: () => Promise<void>;
}

export const useSettingsStore = create<SettingsState>((set, get) => ({
  settings: undefined,
  key: undefined,
  models: [],
  modelsWarning: null,
  load: async () => {
    try {
      const settings = unwrap(await bridge.settings.get());
      set({ settings, key: unwrap(await bridge.secrets.status()) });
      await get().loadModels(settings.rehearsal);
    } catch (e) {
      reportError(e);
    }
  },
  update: async (patch) => {
    try {
      const settings = unwrap(await bridge.settings.set(patch));
      const modeChanged = settings.rehearsal !== get().settings?.rehearsal;
      set({ settings });
      if (modeChanged) await get().loadModels(settings.rehearsal);
    } catch (e) {
      reportError(e);
    }
  },
  save: async (patch) => {
    const r = await bridge.settings.set(patch);
    if (!r.ok) return r.error.message.replace(/^\w+: /, '');
    set({ settings: r.value });
    return undefined;
  },
  loadModels: async (rehearsal) => {
    const r = await bridge.models.list({ rehearsal });
    if (r.ok) set({ models: r.value.models, modelsWarning: r.value.warning });
    else set({ models: [], modelsWarning: r.error.message });
  },
  saveKey: async (key) => {
    const r = await bridge.secrets.setKey({ key });
    if (!r.ok) return r.error.message;
    set({ key: r.value });
    return undefined;
  },
  clearKey: async () => {
    try {
      set({ key: unwrap(await bridge.secrets.clearKey()) });
    } catch (e) {
      reportError(e);
    }
  },
}));
