// Agency credentials from the standard Huawei Cloud SDK environment variables, read only when the
// caller passes an environment explicitly (never from the host's own environment by default).
import type { Credentials } from './schema.js';

export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials {
  const credentials: Credentials = {};
  if (env.HUAWEICLOUD_SDK_AK) credentials.securityAccessKey = env.HUAWEICLOUD_SDK_AK;
  if (env.HUAWEICLOUD_SDK_SK) credentials.securitySecretKey = env.HUAWEICLOUD_SDK_SK;
  if (env.HUAWEICLOUD_SDK_SECURITY_TOKEN) credentials.securityToken = env.HUAWEICLOUD_SDK_SECURITY_TOKEN;
  if (env.HUAWEICLOUD_SDK_TOKEN) credentials.token = env.HUAWEICLOUD_SDK_TOKEN;
  return credentials;
}
