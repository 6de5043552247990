// In-page timing for the browser benchmark, and the statistics and table it prints.
//
// Every time is taken inside the page, on the page's own clock (performance.now(),
// whose zero is the navigation's start), never across the Playwright connection:
// - "painted" is the end of the first frame that shows a change: the change is seen
//   by a MutationObserver (or a check on each animation frame), then
//   requestAnimationFrame, then a message posted from it, which is delivered after
//   that frame's paint;
// - an interaction starts at the timeStamp of its input event (`click`, `input`),
//   caught in the capture phase on window, so it includes any input delay, as the
//   Event Timing API does;
// - a response arrives at its Resource Timing `responseEnd`.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** What `benchInit` watches on a page that is loading. */
export interface InitOptions {
  /** Time the first webhook row (a first load). */
  watchLoad: boolean;
  /** Then click the first row's checkbox each frame until the row shows it is selected. */
  probeInteractive: boolean;
  /** Keep the wasm instance's memory (window.__benchWasmMemory) to read its size. */
  keepWasmMemory: boolean;
}

/** A fetch the page made, on the page's clock (ms). */
export interface FetchTiming {
  name: string;
  start: number;
  end: number;
}

/** One first load. */
export interface LoadTiming {
  firstRow: number;
  interactive: number | null;
  fetches: FetchTiming[];
  /** When the last byte of the main wasm arrived (null on a page without one, the floor). */
  wasmArrived: number | null;
}

/** One interaction: its input, when the change was in the DOM, and painted. */
export interface InteractionTiming {
  input: number | null;
  dom: number;
  paint: number;
  /** When an earlier condition (the first sign of the change) was painted, if one was given. */
  earlyPaint: number | null;
  fetches: FetchTiming[];
}

/**
 * Installed with addInitScript before any script of the page runs. Must be
 * self-contained: Playwright sends its source text to the browser.
 */
export function benchInit(options: InitOptions): void {
  const w = window as any;
  performance.setResourceTimingBufferSize(100_000);

  const afterPaint = (): Promise<number> =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      }),
    );

  const fetches = () =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')
      .map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd }));

  /** Resolves when `condition` first holds (checked on each DOM mutation and each frame). */
  const watch = (condition: () => boolean, timeoutMs: number): Promise<{ dom: number; paint: number }> =>
    new Promise((resolve, reject) => {
      let done = false;
      const holds = () => {
        try {
          return condition();
        } catch {
          return false;
        }
      };
      const check = () => {
        if (done || !holds()) return;
        done = true;
        observer.disconnect();
        clearTimeout(timer);
        const dom = performance.now();
        afterPaint().then((paint) => resolve({ dom, paint }));
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      const frame = () => {
        if (done) return;
        check();
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        observer.disconnect();
        reject(new Error(`bench: condition not met within ${timeoutMs} ms: ${condition}`));
      }, timeoutMs);
      check();
    });

  const rows = () => document.querySelectorAll('[data-testid="webhook-row"]');
  w.__benchRowCount = () => rows().length;
  w.__benchFirstName = () => rows()[0]?.querySelector('th')?.textContent ?? null;
  w.__benchFetches = fetches;

  /**
   * Arms a measurement: the next `inputType` event starts it, `condition` ends it.
   * The result is left in window.__benchArmed (a promise) for the test to await.
   */
  w.__benchArm = (condition: () => boolean, inputType: string, early?: () => boolean) => {
    if (condition()) throw new Error(`bench: already true before the input: ${condition}`);
    const earlyWatch = early ? watch(early, 30_000) : Promise.resolve(null);
    earlyWatch.catch(() => undefined);
    performance.clearResourceTimings();
    let input: number | null = null;
    const onInput = (event: Event) => {
      input = event.timeStamp;
    };
    window.addEventListener(inputType, onInput, true);
    const armed = Promise.all([watch(condition, 30_000), earlyWatch]).then(([{ dom, paint }, first]) => {
      window.removeEventListener(inputType, onInput, true);
      return { input, dom, paint, earlyPaint: first?.paint ?? null, fetches: fetches() };
    });
    armed.catch(() => undefined);
    w.__benchArmed = armed;
  };

  if (options.keepWasmMemory) {
    for (const name of ['instantiate', 'instantiateStreaming'] as const) {
      const original = (WebAssembly as any)[name];
      (WebAssembly as any)[name] = async function (this: unknown, ...args: unknown[]) {
        const result = await original.apply(this, args);
        const instance = result.instance ?? result;
        if (instance?.exports?.memory) w.__benchWasmMemory = instance.exports.memory;
        return result;
      };
    }
  }

  if (options.watchLoad) {
    const load = (async () => {
      const firstRow = () => rows()[0] as HTMLElement | undefined;
      const shown = await watch(() => {
        const row = firstRow();
        return !!row && row.getClientRects().length > 0;
      }, 60_000);
      let interactive: number | null = null;
      if (options.probeInteractive) {
        // Interactive: the app answers a click on the first row's checkbox by marking
        // the row selected. Tried from the frame after the first row is painted, once a
        // frame; the time is the end of the frame that shows the selection.
        for (let attempt = 0; attempt < 600 && interactive === null; attempt++) {
          (firstRow()?.querySelector('input[type="checkbox"]') as HTMLInputElement | null)?.click();
          const painted = await afterPaint();
          if (firstRow()?.classList.contains('selected')) interactive = painted;
        }
      }
      const wasm = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
        e.name.endsWith('_bg.wasm'),
      );
      return { firstRow: shown.paint, interactive, fetches: fetches(), wasmArrived: wasm?.responseEnd ?? null };
    })();
    load.catch(() => undefined);
    w.__benchLoad = load;
  }
}

/**
 * Arms a measurement in the page (see `__benchArm`); `condition` (and `early`, the first
 * sign of the change, if given) runs in the page with `arg`.
 */
export async function arm<A>(
  page: Page,
  condition: (arg: A) => boolean,
  arg: A,
  inputType: 'click' | 'input',
  early?: (arg: A) => boolean,
): Promise<void> {
  // The page's CSP forbids eval, so the conditions travel as the text of the evaluated
  // expression (evaluated by the DevTools protocol, which the CSP does not govern).
  const inPage = (f: (arg: A) => boolean) => `() => (${f.toString()})(${JSON.stringify(arg)})`;
  await page.evaluate(`window.__benchArm(${inPage(condition)}, ${JSON.stringify(inputType)}${early ? `, ${inPage(early)}` : ''})`);
}

/** The armed measurement's result. */
export async function armed(page: Page): Promise<InteractionTiming> {
  return page.evaluate(() => (window as any).__benchArmed);
}

// ---- statistics ----

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return num / den;
}

// ---- results, kept in a file so that a failed measurement loses only itself ----

export type Record =
  | { kind: 'timing'; key: string; samples: number[]; extra?: { [name: string]: number[] } }
  | { kind: 'memory'; points: { navigations: number; jsHeap: number; wasm: number | null; nodes: number; listeners: number }[] }
  | { kind: 'transfer'; files: { name: string; raw: number; brotli: number }[] }
  | { kind: 'info'; key: string; value: string };

const resultsFile = () => `${process.env.BENCH_OUT}.jsonl`;

export function record(entry: Record): void {
  appendFileSync(resultsFile(), JSON.stringify(entry) + '\n');
}

export function readRecords(): Record[] {
  if (!existsSync(resultsFile())) return [];
  return readFileSync(resultsFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
