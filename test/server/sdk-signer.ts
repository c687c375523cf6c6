// The official SDK's own signer (@huaweicloud/huaweicloud-sdk-core), loaded as the CommonJS it is.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface SdkSignInput {
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  queryParams?: Record<string, string | string[]>;
  data?: unknown;
}

interface Signer {
  sign(request: SdkSignInput, credential: { getAk(): string; getSk(): string }): Record<string, string>;
}

const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as { AKSKSigner: Signer };

// Headers (Authorization included) the SDK would send for this request.
export function sdkSign(request: SdkSignInput, ak: string, sk: string): Record<string, string> {
  return AKSKSigner.sign({ ...request, headers: { ...request.headers } }, { getAk: () => ak, getSk: () => sk });
}
