/**
 * What lets an editor leave the app running all night: the machine is kept awake while any batch runs; closing
 * the window during a batch hides it to the tray instead of quitting (said once); a desktop notification when a
 * batch finishes, needs a decision, or pauses (balance, budget); and the "when done" choice once all are finished.
 */
import { app, Menu, Notification, powerSaveBlocker, Tray, nativeImage, type BrowserWindow } from 'electron';
import type { AppServices } from '../core/services/app-services';
import type { Notice } from '../core/services/app-events';
import { sleepNow } from '../core/services/when-done';

const NOTIFY: ReadonlySet<Notice['kind']> = new Set(['batch-finished', 'batch-needs-attention', 'batch-paused-balance', 'batch-paused', 'morning-report']);

export class Overnight {
  private blocker: number | undefined;
  private tray: Tray | undefined;
  private toldAboutTray = false;
  private quitting = false;
  /** Batches running, as last read (the window's close handler must answer at once, so it reads this). */
  private runningCount = 0;
  private readonly stop: () => void;

  constructor(
    private readonly services: AppServices,
    private readonly window: () => BrowserWindow | undefined,
    private readonly iconPath: string,
  ) {
    this.stop = services.on((e) => {
      if (e.name === 'batch:changed') void this.keepAwake();
      if (e.name === 'notice') this.onNotice(e.payload);
    });
    app.on('before-quit', () => (this.quitting = true));
    void this.keepAwake();
  }

  private running(): number {
    return this.runningCount;
  }

  private async keepAwake(): Promise<void> {
    this.runningCount = (await this.services.runningBatchIds().catch(() => [])).length;
    const running = this.running() > 0;
    if (running && this.blocker === undefined) this.blocker = powerSaveBlocker.start('prevent-app-suspension');
    if (!running && this.blocker !== undefined) {
      powerSaveBlocker.stop(this.blocker);
      this.blocker = undefined;
    }
  }

  private notify(title: string, body: string): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body, silent: false });
    n.on('click', () => this.show());
    n.show();
  }

  private onNotice(n: Notice): void {
    if (NOTIFY.has(n.kind)) this.notify('Venice Batch', n.message);
    if (n.kind !== 'all-done') return;
    const whenDone = this.services.getSettings().whenDone;
    const hidden = !this.window()?.isVisible();
    if (whenDone === 'quit' || (hidden && this.tray)) {
      // Closed to the tray during a batch, or asked to quit when done: the work is finished, so go.
      setTimeout(() => app.quit(), 3_000);
    } else if (whenDone === 'sleep') {
      sleepNow().catch((e: Error) => this.notify('Venice Batch', e.message));
    }
  }

  /** Wire to the window's 'close': returns true when the close was turned into "keep running in the tray". */
  keepRunningOnClose(win: BrowserWindow): void {
    win.on('close', (event) => {
      const running = this.running();
      if (this.quitting || running === 0) return;
      event.preventDefault();
      win.hide();
      this.ensureTray();
      if (!this.toldAboutTray) {
        this.toldAboutTray = true;
        this.notify(
          'Venice Batch is still working',
          `${running} batch(es) keep running in the background. The app quits by itself when they finish; open it from the tray icon to watch.`,
        );
      }
    });
  }

  private show(): void {
    const win = this.window();
    if (!win) return;
    win.show();
    win.focus();
  }

  private ensureTray(): void {
    if (this.tray) return;
    const icon = nativeImage.createFromPath(this.iconPath).resize({ width: 16, height: 16 });
    this.tray = new Tray(icon);
    this.tray.setToolTip('Venice Batch: batches running');
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Venice Batch', click: () => this.show() },
        { type: 'separator' },
        { label: 'Quit (paid clips still finish on Venice and download next time)', click: () => app.quit() },
      ]),
    );
    this.tray.on('click', () => this.show());
  }

  dispose(): void {
    this.stop();
    if (this.blocker !== undefined) powerSaveBlocker.stop(this.blocker);
    this.tray?.destroy();
  }
}
