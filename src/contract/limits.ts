// FunctionGraph's limits and defaults that the host and the bootstrap both enforce or fill in
// (docs/cloud-reference.md gives each one's public source).

/** The largest synchronous request body and function response body: 6 MB. */
export const MAX_PAYLOAD_BYTES = 6291456;

/** The part of the log the service returns with X-Cff-Log-Type: tail. */
export const LOG_TAIL_BYTES = 4096;

/** The handler's timeout, seconds: FunctionGraph's default and range. */
export const TIMEOUT_SECONDS = { default: 3, min: 3, max: 259200 } as const;

/** The initializer's timeout, seconds: FunctionGraph's default and range. */
export const INITIALIZER_TIMEOUT_SECONDS = { default: 3, min: 1, max: 300 } as const;
