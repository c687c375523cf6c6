// Function URNs: urn:fss:{region}:{project_id}:function:{package}:{name}[:{version|alias}].
import { ApiError } from '../errors.js';

/** The region fgrun prints in URNs; requests may name any region (the server stands in for all). */
export const LOCAL_REGION = 'local';

export interface FunctionUrn {
  region: string;
  projectId: string;
  package: string;
  name: string;
  /** Version or alias; "latest" when the URN has none. */
  qualifier: string;
}

// Parse a URN from a request path, or an FSS.0400 naming the expected shape.
export function parseUrn(text: string): FunctionUrn {
  const parts = text.split(':');
  const shaped = (parts.length === 7 || parts.length === 8) && parts[0] === 'urn' && parts[1] === 'fss' && parts[4] === 'function';
  if (!shaped || parts.slice(2, 7).some((p) => p === '') || parts[7] === '') {
    throw new ApiError('invalid-parameter', `invalid function URN '${text}': expected urn:fss:{region}:{project_id}:function:{package}:{name}[:{version|alias}]`);
  }
  return { region: parts[2]!, projectId: parts[3]!, package: parts[5]!, name: parts[6]!, qualifier: parts[7] ?? 'latest' };
}

// The URN of a function, with or without its version/alias.
export function formatUrn(urn: Omit<FunctionUrn, 'qualifier'> & { qualifier?: string }): string {
  const base = `urn:fss:${urn.region}:${urn.projectId}:function:${urn.package}:${urn.name}`;
  return urn.qualifier ? `${base}:${urn.qualifier}` : base;
}
