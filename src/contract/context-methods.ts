// Every context.getX() the Python Context has besides getLogger(); pyshim/fgrun_context.py declares
// the getters, test/contract/contract.test.ts holds the two together. The host owns every answer
// (src/context.ts), and most travel before they are asked for (docs/protocol.md, "Context"):
//   - AHEAD_METHODS never change during an instance's life: sent once, in `init` (`answers`);
//   - getUserData reads the user data sent in `init` (`userData`);
//   - getRequestID, getRemainingTimeInMilliSeconds and getRunningTimeInSeconds come from the
//     `initialize`/`invoke` frame (the id, `timeoutMs`) and the phase's timeout (`timeouts`);
//   - ON_DEMAND_METHODS (the agency's credentials) are asked for, one `call` each: the host may
//     renew them, and an instance that never asks never holds them.
export const AHEAD_METHODS = [
  'getAccessKey', 'getSecretKey', 'getFunctionName', 'getVersion', 'getMemorySize', 'getCPUNumber', 'getProjectID', 'getPackage', 'getAlias',
] as const;
export type AheadMethod = (typeof AHEAD_METHODS)[number];

export const ON_DEMAND_METHODS = ['getSecurityAccessKey', 'getSecuritySecretKey', 'getSecurityToken', 'getToken'] as const;

/** Getters of the OTC runtime mock's Context beyond the guide, answered in Python with what a local
 * run can give (docs/results.md, "Context beyond the guide"); never asked of the host. */
export const LOCAL_METHODS = [
  'getWorkflowID', 'getWorkflowRunID', 'getWorkflowStateID', 'get_invoke_id', 'get_trace_id', 'get_invoke_property', 'get_state', 'get_instance_id',
] as const;

export const CONTEXT_METHODS = [
  'getRequestID', 'getRemainingTimeInMilliSeconds', 'getRunningTimeInSeconds', 'getUserData', ...AHEAD_METHODS, ...ON_DEMAND_METHODS,
] as const;
export type ContextMethod = (typeof CONTEXT_METHODS)[number];
