import { interrupted } from './errors.js';
import type { Input, Output } from './io.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);
/** Longer than any password OCP accepts (128): stdin piped from a huge file stops here. */
const STDIN_MAX_CHARS = 4096;

/**
 * Asks on the terminal and reads one line. `hidden`: the terminal is put in raw mode so nothing
 * typed is echoed (the password never reaches the screen or the scrollback).
 */
export function ask(question: string, input: Input, output: Output, { hidden = false } = {}): Promise<string> {
  output.write(question);
  const raw = hidden && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      if (raw) input.setRawMode!(false);
      input.pause();
      if (raw) output.write('\n');
      outcome();
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === CTRL_C) return finish(() => reject(interrupted()));
        if (char === '\r' || char === '\n' || char === CTRL_D) return finish(() => resolve(typed));
        if (BACKSPACES.has(char)) typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

/** All of stdin (`--password-stdin`), without the final line break `echo` and files add. */
export async function readAll(input: Input): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    text += String(chunk);
    if (text.length > STDIN_MAX_CHARS) break;
  }
  return text.replace(/\r?\n$/, '');
}
