import cliProgress from 'cli-progress';
import type { JobProgressReport } from '../app/run-job';

/**
 * How `enqueue` shows a job: a progress bar on a terminal (cli-progress), JSON lines otherwise
 * (on stdout; on stderr with --json, whose stdout is the command's one result document).
 * A failure is shown as an event here; the command's own failure line (`ads-data-import: CODE:
 * message` on stderr) follows it.
 */
export interface ProgressDisplay {
  enqueued(job: string, jobId: string | undefined, mode: 'queue' | 'local'): void;
  progress(report: JobProgressReport): void;
  completed(result: unknown): void;
  failed(code: string | undefined, message: string): void;
}

export function createProgressDisplay(options: { interactive: boolean; json?: boolean; out?: NodeJS.WriteStream }): ProgressDisplay {
  if (options.interactive) return new TerminalDisplay(options.out ?? process.stderr);
  return new JsonLinesDisplay(options.out ?? (options.json === true ? process.stderr : process.stdout));
}

class JsonLinesDisplay implements ProgressDisplay {
  private jobId: string | undefined;
  private job = '';
  constructor(private readonly out: NodeJS.WriteStream) {}

  private line(event: string, fields: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ event, job: this.job, jobId: this.jobId, at: new Date().toISOString(), ...fields })}\n`);
  }

  enqueued(job: string, jobId: string | undefined, mode: 'queue' | 'local'): void {
    this.job = job;
    this.jobId = jobId;
    this.line('started', { mode });
  }

  progress(report: JobProgressReport): void {
    this.line('progress', { ...report });
  }

  completed(result: unknown): void {
    this.line('completed', { result });
  }

  failed(code: string | undefined, message: string): void {
    this.line('failed', { code, error: message });
  }
}

class TerminalDisplay implements ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private job = '';
  constructor(private readonly out: NodeJS.WriteStream) {}

  enqueued(job: string, jobId: string | undefined, mode: 'queue' | 'local'): void {
    this.job = job;
    this.out.write(mode === 'queue' ? `${job}: enqueued as job ${jobId}, waiting for a worker…\n` : `${job}: running in this process…\n`);
  }

  progress(report: JobProgressReport): void {
    const total = report.total ?? 0;
    if (this.bar === undefined) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.out,
          hideCursor: true,
          format: (options, params, payload: { unit: string; phase: string; known: boolean }) => {
            if (!payload.known) return `${this.job} ${payload.phase}: ${params.value} ${payload.unit}`;
            const width = options.barsize ?? 30;
            const filled = Math.round(Math.min(1, params.progress) * width);
            return `${this.job} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(params.progress * 100)}% | ${params.value}/${params.total} ${payload.unit} | ${payload.phase}`;
          },
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(Math.max(total, report.done), report.done, { unit: report.unit, phase: report.phase, known: report.total !== null });
      return;
    }
    if (report.total !== null) this.bar.setTotal(Math.max(report.total, report.done));
    this.bar.update(report.done, { unit: report.unit, phase: report.phase, known: report.total !== null });
  }

  completed(result: unknown): void {
    this.bar?.stop();
    this.out.write(`${this.job}: completed\n${JSON.stringify(result, null, 2)}\n`);
  }

  failed(code: string | undefined): void {
    this.bar?.stop();
    this.out.write(`${this.job}: FAILED${code === undefined ? '' : ` (${code})`}\n`);
  }
}
