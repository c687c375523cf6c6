// --open: the console in the user's browser ($BROWSER when set, else the platform's opener).
import { spawn } from 'node:child_process';

// Start the browser detached; `onError` hears why it could not start (the server keeps serving).
export function openBrowser(url: string, onError: (why: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const [command, ...args] = env.BROWSER
    ? [env.BROWSER]
    : process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  try {
    const child = spawn(command!, [...args, url], { detached: true, stdio: 'ignore' });
    child.once('error', (error) => onError(`cannot start ${command} (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    child.unref();
  } catch (error) {
    onError(`cannot start ${command} (${(error as Error).message})`);
  }
}
