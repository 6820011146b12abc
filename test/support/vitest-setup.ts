// Run before every test file (vitest.config.ts `setupFiles`). Tests contact only 127.0.0.1
// (ARCHITECTURE.md §9), through no proxy but the ones they start, and an S3 test must use exactly the credentials it sets: left alone, the
// AWS SDK's default chain reads the developer's ~/.aws and environment and, finding nothing,
// asks a container's credential endpoint or the instance metadata service (169.254.169.254).
import { join } from 'node:path';
import { tmpdir } from 'node:os';

// The "system" proxy setting (the default) reads HTTP_PROXY and friends: a developer's proxy
// would otherwise carry every test's requests, and the proxy tests set their own.
const PROXY_VARIABLES = new Set(['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']);
for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_') || PROXY_VARIABLES.has(name.toLowerCase())) delete process.env[name];
}
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// Files that do not exist: the SDK reads them as empty.
const none = join(tmpdir(), 'steadfast-tests-have-no-aws-files');
process.env.AWS_CONFIG_FILE = join(none, 'config');
process.env.AWS_SHARED_CREDENTIALS_FILE = join(none, 'credentials');
