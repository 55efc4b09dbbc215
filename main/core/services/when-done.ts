/** "When done: sleep": the command each desktop system offers to put the computer to sleep. */
import { execFile } from 'node:child_process';

export function sleepCommand(platform: NodeJS.Platform = process.platform): { cmd: string; args: string[] } | undefined {
  if (platform === 'darwin') return { cmd: 'pmset', args: ['sleepnow'] };
  if (platform === 'win32') return { cmd: 'rundll32.exe', args: ['powrprof.dll,SetSuspendState', '0,1,0'] };
  if (platform === 'linux') return { cmd: 'systemctl', args: ['suspend'] };
  return undefined;
}

/** Resolves once the command was handed over; rejects with a plain sentence when the system refused. */
export function sleepNow(platform: NodeJS.Platform = process.platform): Promise<void> {
  const c = sleepCommand(platform);
  if (!c) return Promise.reject(new Error('This system offers no way to sleep from an app.'));
  return new Promise((resolve, reject) => {
    execFile(c.cmd, c.args, { timeout: 10_000 }, (err) => (err ? reject(new Error(`The computer could not be put to sleep (${c.cmd}: ${err.message}).`)) : resolve()));
  });
}
