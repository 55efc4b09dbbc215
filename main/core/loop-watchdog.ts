/**
 * Event-loop watchdog for development and tests: no call may keep the loop busy for more than 100 ms (a busy mkdir
 * loop once froze every call, the page and the import with no message at all). A timer ticks every 20 ms; when a
 * tick comes late by more than the threshold, the loop was blocked for that long, and the watchdog logs it with the
 * culprit: the tracked work under way (calls, engine passes: see `track`) and what started during the stall.
 *
 * It cannot name untracked code (a stack cannot be taken from a blocked thread without a debugger), so the places
 * work enters main (the contract's dispatch) are tracked; "nothing tracked" in a report says where to look next.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface Stall {
  /** Epoch ms when the late tick ran. */
  at: number;
  /** How long the loop was blocked, about. */
  ms: number;
  /** Tracked work that was under way or started while the loop was blocked. */
  culprits: string[];
}

export interface Watchdog {
  stalls(): Stall[];
  /** p99 and max of the loop delay (ms) since the start, from perf_hooks' histogram. */
  delay(): { p99Ms: number; maxMs: number };
  stop(): void;
}

interface Work {
  label: string;
  since: number;
  ended?: number;
}

const underWay = new Map<number, Work>();
/** Recently finished work, so a synchronous culprit that already returned can still be named. */
const recent: Work[] = [];
let nextId = 1;

function done(id: number): void {
  const w = underWay.get(id);
  if (!w) return;
  underWay.delete(id);
  w.ended = performance.now();
  recent.push(w);
  if (recent.length > 50) recent.shift();
}

/** Runs `work` labelled, so a stall during it names it. Costs two map operations; safe to use on hot paths. */
export function track<T>(label: string, work: () => T): T {
  const id = nextId++;
  underWay.set(id, { label, since: performance.now() });
  let result: T;
  try {
    result = work();
  } catch (e) {
    done(id);
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => done(id)) as T;
  }
  done(id);
  return result;
}

/**
 * The likely culprits first: work that started or ended inside the blocked turn (it ran then), then a few of the
 * longer-running pieces of work that were merely waiting (an async call awaiting the network blocks nothing).
 */
function culpritsBetween(from: number, to: number): string[] {
  const ran: Array<{ text: string; ms: number }> = [];
  const waiting: string[] = [];
  for (const w of underWay.values()) {
    if (w.since >= from) ran.push({ text: `${w.label} (started during it)`, ms: to - w.since });
    else waiting.push(`${w.label} (under way for ${Math.round(to - w.since)} ms)`);
  }
  for (const w of recent) {
    if (w.ended !== undefined && w.ended >= from && w.since <= to) ran.push({ text: `${w.label} (ran ${Math.round(w.ended - w.since)} ms)`, ms: w.ended - w.since });
  }
  // The longest first: in one blocked turn, the piece that ran longest is the likeliest culprit.
  ran.sort((a, b) => b.ms - a.ms);
  const more = waiting.length > 5 ? [`and ${waiting.length - 5} more under way`] : [];
  return [...ran.map((r) => r.text), ...waiting.slice(0, 5), ...more];
}

export interface WatchdogOptions {
  thresholdMs?: number;
  intervalMs?: number;
  log?: (line: string) => void;
}

let shared: { dog: Watchdog; users: number; listeners: Set<(s: Stall) => void> } | undefined;

/**
 * Starts the process's watchdog (one per process; later calls share it and add their logger). Call `stop()` on
 * what it returns when done with it; the timer is unref'd, so it never keeps a process alive.
 */
export function startLoopWatchdog(opts: WatchdogOptions = {}): Watchdog {
  const threshold = opts.thresholdMs ?? 100;
  const listener = (s: Stall) => opts.log?.(describeStall(s));
  if (shared) {
    shared.users++;
    shared.listeners.add(listener);
    const mine = shared;
    return { ...mine.dog, stop: () => release(mine, listener) };
  }
  const interval = opts.intervalMs ?? 20;
  const stalls: Stall[] = [];
  const listeners = new Set<(s: Stall) => void>([listener]);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - interval;
    if (late > threshold) {
      const stall: Stall = { at: Date.now(), ms: Math.round(late), culprits: culpritsBetween(last, now) };
      stalls.push(stall);
      if (stalls.length > 1000) stalls.shift();
      for (const l of listeners) l(stall);
    }
    last = now;
  }, interval);
  timer.unref();
  const dog: Watchdog = {
    stalls: () => [...stalls],
    delay: () => ({ p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 }),
    stop: () => undefined,
  };
  const entry = { dog, users: 1, listeners };
  dog.stop = () => {
    clearInterval(timer);
    histogram.disable();
  };
  shared = entry;
  return { ...dog, stop: () => release(entry, listener) };
}

function release(entry: NonNullable<typeof shared>, listener: (s: Stall) => void): void {
  entry.listeners.delete(listener);
  entry.users--;
  if (entry.users <= 0 && shared === entry) {
    entry.dog.stop();
    shared = undefined;
  }
}

export function describeStall(s: Stall): string {
  const who = s.culprits.length ? s.culprits.join('; ') : 'no tracked work (look at timers and event handlers)';
  return `event loop blocked for ${s.ms} ms: ${who}`;
}

/** Whether the watchdog should run: development and tests, not a packaged desktop app (unless asked for). */
export function watchdogWanted(mode: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.VENICE_BATCH_WATCHDOG === '0') return false;
  if (env.VENICE_BATCH_WATCHDOG === '1') return true;
  return mode === 'test' || mode === 'browser' || env.NODE_ENV === 'development' || env.NODE_ENV === 'test' || env.VITEST !== undefined;
}
