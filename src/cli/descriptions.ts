// Each fgrun subcommand's name, one-line description and arguments, in the order `fgrun --help` lists
// them. Command modules and the root help read it; it imports nothing, so no command module imports
// commands.ts (whose table loads them).
export interface CommandInfo {
  name: string;
  /** The one-line description, used by the command itself and by the root help. */
  description: string;
  /** Its arguments as the command declares them (the root help shows them; a test holds them equal). */
  args: string[];
}

export const COMMAND_INFO: CommandInfo[] = [
  { name: 'invoke', description: 'run the function once, as FunctionGraph would, and print its response body', args: ['[code]'] },
  { name: 'serve', description: "serve functions over FunctionGraph's invoke API (the official SDKs work against it) and an APIG-style gateway", args: ['[code...]'] },
  { name: 'matrix', description: 'run the function on every Python runtime found and show where the results differ', args: ['[code]'] },
  { name: 'runtimes', description: 'list the FunctionGraph Python runtimes and the interpreter fgrun uses for each', args: [] },
  { name: 'event', description: 'print a FunctionGraph trigger event (fresh ids and times) to pass to invoke --event or matrix --event', args: ['[trigger]'] },
  { name: 'debug', description: 'attach to the pdb session a breakpoint serves on --debug-port (fgrun debug attach PORT; docs/debugging.md)', args: ['<action>', '<port>'] },
  { name: 'build', description: "install the code folder's requirements.txt with the runtime's own pip, into a build fgrun uses automatically (docs/build.md)", args: ['[code]'] },
];

// The description of a command, from the table above.
export function commandDescription(name: string): string {
  return COMMAND_INFO.find((c) => c.name === name)?.description ?? '';
}
