/**
 * Electronegativity audits the desktop app's sources (main, preload, renderer) and must find nothing. Its CLI exits
 * 0 even with findings, so scripts/electronegativity.cjs reads the findings and this test checks them; a second run
 * over a deliberately insecure app proves the audit is really looking.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Report {
  files: number;
  checks: number;
  issues: Array<{ id: string; file: string; line: number; description: string }>;
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
}

function audit(args: string[] = []): { status: number | null; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/electronegativity.cjs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('electronegativity', () => {
  it('finds nothing in the app', () => {
    const { status, report, stderr } = audit();
    const found = report.issues.map((i) => `${i.id} at ${i.file}:${i.line} (${i.description})`);
    expect(found, stderr).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(status).toBe(0);
    expect(report.checks).toBeGreaterThanOrEqual(40);
    expect(report.files).toBeGreaterThan(50);
  });

  it('does find the classic mistakes in an app that makes them', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vb-insecure-'));
    try {
      mkdirSync(path.join(root, 'main'));
      writeFileSync(
        path.join(root, 'main', 'index.js'),
        [
          "const { app, BrowserWindow, shell } = require('electron');",
          'app.whenReady().then(() => {',
          '  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });',
          "  win.loadURL('http://example.com/');",
          '  win.webContents.on("new-window", (e, url) => shell.openExternal(url));',
          '});',
        ].join('\n'),
      );
      const { status, report } = audit(['--root', root]);
      const ids = new Set(report.issues.map((i) => i.id));
      for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'HTTP_RESOURCES_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'CSP_GLOBAL_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
        expect(ids, id).toContain(id);
      }
      expect(status).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
