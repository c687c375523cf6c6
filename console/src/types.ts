// The shapes the console's API answers (docs/console.md), from the server's own types.
export type { ConsoleInvocation, FunctionView } from '../../src/server/console/index.js';
export type { MatrixReport } from '../../src/matrix/index.js';

export interface TemplateInfo {
  name: string;
  description: string;
}

export interface SavedEvent {
  name: string;
  text: string;
}
