// A handle's onNotice for the debug tests: every notice, in order, and a promise for the first one
// that `test` accepts.
export function noticeWaiter(test: (line: string) => boolean) {
  const seen: string[] = [];
  let wake: (line: string) => void = () => {};
  const found = new Promise<string>((resolve) => { wake = resolve; });
  return {
    seen,
    found,
    onNotice: (line: string) => {
      seen.push(line);
      if (test(line)) wake(line);
    },
  };
}
