// The places an interpreter may be installed outside PATH and pyenv, including FunctionGraph's own image.

import type { RuntimeId } from './ids.js';
import { runtimeBinary, runtimeVersion } from './ids.js';

// The fixed paths to try for a runtime, in order.
export function systemPaths(runtime: RuntimeId): string[] {
  const binary = runtimeBinary(runtime);
  const inImage = runtimeVersion(runtime).major === 2 ? 'python' : 'python3';
  return [`/usr/local/bin/${binary}`, `/usr/bin/${binary}`, `/opt/function/runtime/${binary}/rtsp/python/bin/${inImage}`];
}
