import type { Output } from './io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;

/**
 * A spinner with a label on stderr while something long runs, only when stderr is a terminal:
 * piped or redirected output (and stdout, always) stays clean for scripts.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private label: string;

  constructor(
    private readonly stderr: Output,
    label: string,
  ) {
    this.label = label;
    if (!stderr.isTTY) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), FRAME_MS);
    this.timer.unref();
  }

  update(label: string): void {
    this.label = label;
  }

  /** Clears the line (call it before printing the result). */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stderr.write('\r\u001b[2K');
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stderr.write(`\r\u001b[2K${FRAMES[this.frame]} ${this.label}`);
  }
}
