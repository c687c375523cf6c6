// The event editor: a textarea with line numbers that checks the JSON as you type and points at the
// line of the first error.
import { byId } from './dom.js';

export interface JsonCheck {
  ok: boolean;
  /** 1-based line of the error, when there is one. */
  line?: number;
  message?: string;
}

// Where JSON.parse stopped: V8 says "at position N" (and newer ones "(line L column C)").
function checkJson(text: string): JsonCheck {
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (error) {
    const message = (error as Error).message;
    const lineColumn = /line (\d+) column \d+/.exec(message);
    const position = /position (\d+)/.exec(message);
    let line: number;
    if (lineColumn) line = Number(lineColumn[1]);
    else if (position) line = text.slice(0, Number(position[1])).split('\n').length;
    else line = text.split('\n').length; // "Unexpected end of JSON input": the last line
    return { ok: false, line, message: message.replace(/^JSON\.parse: /, '') };
  }
}

export class JsonEditor {
  private readonly textarea = byId<HTMLTextAreaElement>('event-text');
  private readonly gutter = byId('gutter');
  private readonly status = byId('editor-status');
  private listeners: ((check: JsonCheck) => void)[] = [];
  check: JsonCheck = { ok: true };

  constructor() {
    this.textarea.addEventListener('input', () => this.update());
    this.textarea.addEventListener('scroll', () => {
      this.gutter.scrollTop = this.textarea.scrollTop;
    });
    this.update();
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.textarea.scrollTop = 0;
    this.update();
  }

  onChange(listener: (check: JsonCheck) => void): void {
    this.listeners.push(listener);
  }

  // Re-check the text, renumber the gutter, mark the error's line, say what is wrong.
  private update(): void {
    this.check = checkJson(this.text);
    const lines = this.text.split('\n').length;
    this.gutter.replaceChildren();
    for (let i = 1; i <= lines; i++) {
      const number = document.createElement('span');
      number.textContent = String(i);
      if (!this.check.ok && this.check.line === i) number.className = 'bad';
      this.gutter.append(number, '\n');
    }
    this.status.textContent = this.check.ok ? 'Valid JSON' : `Line ${this.check.line}: ${this.check.message}`;
    this.status.className = this.check.ok ? 'ok' : 'error';
    for (const listener of this.listeners) listener(this.check);
  }
}
