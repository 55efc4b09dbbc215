// The bridge between the sandboxed page and main. It exposes only named calls, never a generic invoke.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('venice', {
  platform: process.platform,
});
