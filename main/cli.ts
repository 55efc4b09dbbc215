#!/usr/bin/env node
/**
 * `venice-batch`: the headless CLI over the same core services as the desktop app. Shares the app's data folder,
 * so a batch started here shows in the app and the other way round (one engine at a time).
 */
import { isSheetReadError } from './core/sheet';
import { EngineBusyError } from './core/queue/engine-lock';
import { isVeniceError } from './core/venice/errors';
import { MediaToolsMissingError } from './core/media/ffmpeg-binaries';
import { USAGE, UsageError, parse } from './cli/args';
import { resolveCommand, retryCommand } from './cli/batch-commands';
import { statusCommand } from './cli/status-command';
import { studioImportCommand } from './cli/studio-import-command';
import { modelsCommand } from './cli/models-command';
import { quoteCommand } from './cli/quote-command';
import { runCommand } from './cli/run-command';
import { workCommand } from './cli/work-command';
import { openSession, openSessionWhenReachable } from './cli/session';
import { StudioQueueUrlError } from './core/queue/open-queue';
import { SchemaTooNewError } from './core/queue/pg/schema';
import { validateCommand } from './cli/validate-command';
import { exportCommand } from './cli/export-command';

export async function main(argv: string[]): Promise<number> {
  // `export` parses its own options (--preset, --transition, hand-off files): the shared parser is strict.
  if (argv[0] === 'export') return exportCommand(argv.slice(1), { out: process.stdout, err: process.stderr });
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sheet] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const needsSheet = command === 'validate' || command === 'quote' || command === 'run';
  if (needsSheet && !sheet) {
    process.stderr.write(`${command} needs a sheet file\n\n${USAGE}\n`);
    return 2;
  }
  let session;
  try {
    // A render box (`work`) may start before the studio's database: it waits for it; other commands say why at once.
    session = command === 'work' ? await openSessionWhenReachable(process.stderr) : await openSession();
  } catch (e) {
    if (e instanceof StudioQueueUrlError || e instanceof SchemaTooNewError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    process.stderr.write(`Cannot open the studio queue: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(session, sheet as string, values, process.stdout);
      case 'quote':
        return await quoteCommand(session, sheet as string, values, process.stdout);
      case 'run':
        return await runCommand(session, sheet as string, values, { out: process.stdout, err: process.stderr, interactive: process.stdin.isTTY === true });
      case 'work':
        return await workCommand(session, values, { out: process.stdout, err: process.stderr });
      case 'status':
        return await statusCommand(session, values, process.stdout);
      case 'retry':
        return await retryCommand(session, values, process.stdout);
      case 'resolve':
        return await resolveCommand(session, values, process.stdout);
      case 'studio':
        return await studioImportCommand(session, sheet, values, process.stdout, process.stderr);
      case 'models':
        return await modelsCommand(session, values, process.stdout);
      default:
        process.stderr.write(`Unknown command "${command}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (isSheetReadError(e)) {
      process.stderr.write(`Cannot read ${sheet}: ${e.message}\n`);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && needsSheet) {
      process.stderr.write(`Cannot read ${sheet}: the file does not exist.\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof EngineBusyError || e instanceof MediaToolsMissingError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (isVeniceError(e)) {
      process.stderr.write(`Venice: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await session.close();
  }
}

// Run when executed directly (tsx main/cli.ts, or the built dist/main/cli.cjs).
const invokedDirectly = process.argv[1] !== undefined && /cli\.(ts|cjs|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`Unexpected error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
