import type { RE2JS } from 're2js';

/**
 * Joins continuation lines to the line that starts a record (`start` matches anywhere in a
 * first line): a Java or Python stack trace becomes one record. Lines before the first start
 * line form a record of their own. A record is emitted when the next start line comes, when it
 * reaches `maxLines`, or by `flush` (timeout, end of a rotated file). `end` is the byte offset
 * just after the record's last line, so the caller knows what a commit covers.
 */
export class MultilineJoiner {
  private lines: string[] = [];
  private end = 0;
  /** When the last line was added (ms); 0 when nothing is pending. */
  lastAt = 0;

  constructor(
    private readonly start: RE2JS,
    private readonly maxLines: number,
  ) {}

  get pending(): boolean {
    return this.lines.length > 0;
  }

  push(line: string, end: number, now: number, emit: (line: string, end: number) => void): void {
    if (this.lines.length > 0 && this.start.test(line)) this.flush(emit);
    this.lines.push(line);
    this.end = end;
    this.lastAt = now;
    if (this.lines.length >= this.maxLines) this.flush(emit);
  }

  flush(emit: (line: string, end: number) => void): void {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('\n');
    this.lines = [];
    this.lastAt = 0;
    emit(text, this.end);
  }

  /** Forgets what is pending (the bytes will be read again). */
  reset(): void {
    this.lines = [];
    this.lastAt = 0;
  }
}
