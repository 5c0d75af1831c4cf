// The tutorial's run.py: the service's entry point. The only file of the service that reads the
// environment; runService() handles SIGTERM/SIGINT (graceful stop, then a forced exit) and exit codes.
//
//   node --conditions=source --import tsx examples/friend-service/run.ts
//
// Environment:
//   AWS_ENDPOINT_URL   a local SQS/SNS server (e.g. http://localhost:4566, see server.ts); unset: AWS
//   AWS_REGION         default us-east-1 when AWS_ENDPOINT_URL is set; otherwise the SDK's
//   GITHUB_API_URL     default https://api.github.com
//   HTTPBIN_URL        default https://httpbin.org
//   FRIEND_QUEUE       default foobar-friend-created
import { createDefaultLogger, Manager } from 'loafer';
import { runService } from 'loafer/cli';
import type { FriendRoutesOptions } from './routes.js';
import { createRoutes } from './routes.js';

function readOptions(env: NodeJS.ProcessEnv): FriendRoutesOptions {
  const options: { -readonly [K in keyof FriendRoutesOptions]: FriendRoutesOptions[K] } = {};
  if (env.GITHUB_API_URL) options.githubApiUrl = env.GITHUB_API_URL;
  if (env.HTTPBIN_URL) options.httpbinUrl = env.HTTPBIN_URL;
  if (env.FRIEND_QUEUE) options.queue = env.FRIEND_QUEUE;
  if (env.AWS_ENDPOINT_URL) {
    // A local server accepts any credentials; the SDK still wants some, and a region.
    options.endpoint = env.AWS_ENDPOINT_URL;
    options.region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
      options.credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    }
  }
  return options;
}

const logger = createDefaultLogger();
const manager = new Manager({ routes: createRoutes({ ...readOptions(process.env), logger }), logger });
await runService(manager);
