// Every context.getX() the Python Context has besides getLogger(), answered by the host
// (src/context.ts); pyshim/fgrun_context.py declares the getters, test/contract/contract.test.ts
// holds the two together.
export const CONTEXT_METHODS = [
  'getRequestID', 'getRemainingTimeInMilliSeconds', 'getAccessKey', 'getSecretKey', 'getSecurityAccessKey',
  'getSecuritySecretKey', 'getSecurityToken', 'getToken', 'getUserData', 'getFunctionName', 'getRunningTimeInSeconds',
  'getVersion', 'getMemorySize', 'getCPUNumber', 'getProjectID', 'getPackage', 'getAlias',
] as const;
export type ContextMethod = (typeof CONTEXT_METHODS)[number];
