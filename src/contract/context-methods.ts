// Every context.getX() the Python Context has besides getLogger(); pyshim/fgrun_context.py declares
// the getters, test/contract/contract.test.ts holds the two together. The host owns every answer
// (src/context.ts), and most travel before they are asked for (docs/protocol.md, "Context"):
//   - AHEAD_METHODS never change during an instance's life: sent once, in `init` (`answers`);
//   - getUserData reads the user data sent in `init` (`userData`);
//   - getRequestID, getRemainingTimeInMilliSeconds and getRunningTimeInSeconds come from the
//     `initialize`/`invoke` frame (the id, `timeoutMs`) and the phase's timeout (`timeouts`);
//   - ON_DEMAND_METHODS (the agency's credentials) are asked for, one `call` each: the host may
//     renew them, and an instance that never asks never holds them.
//   - LOCAL_METHODS keep what the function itself set (set_state, set_instance_id): no host answer.
// Beyond the guide's getters, the OTC runtime mock's (docs/results.md, "Context beyond the guide"):
// the workflow ids (empty: a local run is never a FunctionGraph Workflow step), get_invoke_id and
// get_trace_id (the request id), get_invoke_property (none), get_state and get_instance_id.
export const AHEAD_METHODS = [
  'getAccessKey', 'getSecretKey', 'getFunctionName', 'getVersion', 'getMemorySize', 'getCPUNumber', 'getProjectID', 'getPackage', 'getAlias',
  'getWorkflowID', 'getWorkflowRunID', 'getWorkflowStateID', 'get_invoke_property',
] as const;
export type AheadMethod = (typeof AHEAD_METHODS)[number];

export const ON_DEMAND_METHODS = ['getSecurityAccessKey', 'getSecuritySecretKey', 'getSecurityToken', 'getToken'] as const;

export const LOCAL_METHODS = ['get_state', 'get_instance_id'] as const;

export const CONTEXT_METHODS = [
  'getRequestID', 'get_invoke_id', 'get_trace_id', 'getRemainingTimeInMilliSeconds', 'getRunningTimeInSeconds', 'getUserData',
  ...AHEAD_METHODS, ...ON_DEMAND_METHODS, ...LOCAL_METHODS,
] as const;
type ContextMethod = (typeof CONTEXT_METHODS)[number];
/** The methods whose answer comes from the host (every one but LOCAL_METHODS). */
export type HostContextMethod = Exclude<ContextMethod, (typeof LOCAL_METHODS)[number]>;
