// `npm run demo`: the tutorial, end to end, on this machine alone. Starts an embedded SQS/SNS server
// (fauxqs), creates the topic, the queue and the subscription, starts stand-ins for the GitHub users
// API and httpbin, runs the friend service (the same routes and handler as run.ts), publishes the
// tutorial's event, and shows it being received, looked up, patched and deleted. Exits 0 when all of
// that happened within the deadline, 1 otherwise. No Docker, no AWS account, no internet.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import type { Logger } from 'loafer';
import { Manager } from 'loafer';
import { runService } from 'loafer/cli';
import { createFriendInfrastructure, QUEUE_NAME, TOPIC_NAME } from './infrastructure.js';
import { createRoutes } from './routes.js';
import type { StandInRequest } from './stand-ins.js';
import { startStandIns } from './stand-ins.js';

const DEADLINE_MS = 15_000;
const EVENT = { id: 'test-1', username: 'georgeyk', github_url: '' };
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number, text: string): string => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
const dim = (text: string): string => paint(2, text);

function say(tag: string, text: string, detail?: string): void {
  const label = paint(36, `[${tag}]`.padEnd(10));
  console.log(`${label} ${text}${detail === undefined ? '' : ` ${dim(detail)}`}`);
}

function indent(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line) => `           ${line}`)
    .join('\n');
}

function describeFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([key, value]) => key !== 'response' && value !== undefined)
    .map(([key, value]) => {
      if (value instanceof Error) return `${key}=${value.message}`;
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join(' ');
}

/** A readable logger: one line per record, the httpbin response shown in full as the tutorial does. */
function demoLogger(bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (fieldsOrText: object | string, text?: string): void => {
      const fields = { ...bindings, ...(typeof fieldsOrText === 'string' ? {} : fieldsOrText) } as Record<
        string,
        unknown
      >;
      const message = typeof fieldsOrText === 'string' ? fieldsOrText : (text ?? '');
      const shown = level === 'info' ? message : `${level.toUpperCase()} ${message}`;
      const detail = describeFields(fields);
      say('service', shown, detail === '' ? undefined : detail);
      if (fields.response !== undefined) console.log(indent(fields.response));
    };
  return {
    debug: () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => demoLogger({ ...bindings, ...more }),
  };
}

function describeRequest(request: StandInRequest): string {
  const response = request.response as { html_url?: string; json?: unknown };
  if (request.api === 'github' && request.status === 200) return `html_url=${response.html_url}`;
  if (request.api === 'httpbin') return `body=${request.body}`;
  return '';
}

/** Resolves when `promise` does, or rejects with `what` once the deadline passed. */
function withinDeadline<T>(promise: Promise<T>, deadlineAt: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${DEADLINE_MS / 1000} s`)),
      Math.max(0, deadlineAt - Date.now()),
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function printHandsOn(): void {
  const endpoint = 'http://localhost:4566';
  console.log(`
${paint(1, 'Try it by hand')} (two terminals, still no AWS account; the aws cli wants some credentials):

  # 1. a long-running fauxqs on port 4566 with the topic, the queue and the subscription,
  #    plus the GitHub and httpbin stand-ins on port 4567:
  node --conditions=source --import tsx examples/friend-service/server.ts

  # 2. the service:
  AWS_ENDPOINT_URL=${endpoint} GITHUB_API_URL=http://127.0.0.1:4567/github \\
  HTTPBIN_URL=http://127.0.0.1:4567/httpbin \\
    node --conditions=source --import tsx examples/friend-service/run.ts

  # 3. publish the tutorial's event (and watch the service patch it):
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${REGION}
  aws --endpoint-url ${endpoint} sns publish \\
    --topic-arn arn:aws:sns:${REGION}:000000000000:${TOPIC_NAME} \\
    --message file://examples/friend-service/test_user.json

  # the queue is empty again once the message was handled:
  aws --endpoint-url ${endpoint} sqs get-queue-attributes \\
    --queue-url http://sqs.${REGION}.localhost:4566/000000000000/${QUEUE_NAME} \\
    --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible

  Ctrl-C stops the service gracefully (a second Ctrl-C exits at once). See docs/tutorial.md.`);
}

async function main(): Promise<number> {
  const deadlineAt = Date.now() + DEADLINE_MS;
  console.log(paint(1, 'loafer friend-service demo'));
  console.log(dim('everything local: fauxqs for SQS/SNS, stand-ins for the GitHub users API and httpbin\n'));

  const server = await startFauxqs({ port: 0, logger: false });
  const clientOptions = { endpoint: server.address, region: REGION, credentials: CREDENTIALS };
  const sqs = new SQSClient(clientOptions);
  const sns = new SNSClient(clientOptions);
  const apis = await startStandIns();
  let manager: Manager | undefined;
  let service: Promise<number> | undefined;
  try {
    say('setup', 'fauxqs (SQS + SNS) listening', server.address);
    const infrastructure = await createFriendInfrastructure({ sqs, sns });
    say('setup', `topic ${TOPIC_NAME}`, infrastructure.topicArn);
    say('setup', `queue ${QUEUE_NAME}`, infrastructure.queueUrl);
    say('setup', `subscribed ${QUEUE_NAME} to ${TOPIC_NAME}`, infrastructure.subscriptionArn);
    say('setup', 'GitHub users API stand-in', apis.githubApiUrl);
    say('setup', 'httpbin stand-in', apis.httpbinUrl);
    apis.onRequest((request) =>
      say(request.api, `${request.method} ${request.path} → ${request.status}`, describeRequest(request)),
    );

    const logger = demoLogger();
    manager = new Manager({
      routes: createRoutes({
        ...clientOptions,
        githubApiUrl: apis.githubApiUrl,
        httpbinUrl: apis.httpbinUrl,
        logger,
      }),
      logger,
    });
    const started = new Promise<void>((resolve) => manager?.on('routeStarted', () => resolve()));
    const acked = new Promise<void>((resolve) => manager?.on('messageAcked', () => resolve()));
    manager.on('messageReceived', ({ message }) =>
      say('service', 'message received', `messageId=${message.id} receiveCount=${message.receiveCount}`),
    );
    manager.on('messageFailed', ({ error }) =>
      say('service', 'message failed: it stays in the queue', error instanceof Error ? error.message : ''),
    );
    manager.on('messageAcked', ({ message }) => say('service', 'message deleted', `messageId=${message.id}`));
    // Ctrl-C during the demo stops it gracefully, as it would the real service.
    service = runService(manager, { shouldExit: false });
    // A Ctrl-C (or a failure) that ends the service early ends the demo at once.
    const endedEarly = service.then((code) => {
      throw new Error(`the service stopped early (exit code ${code})`);
    });
    endedEarly.catch(() => {});

    await withinDeadline(Promise.race([started, endedEarly]), deadlineAt, 'the service start');
    const published = await sns.send(
      new PublishCommand({ TopicArn: infrastructure.topicArn, Message: JSON.stringify(EVENT) }),
    );
    say('publish', `sns publish ${TOPIC_NAME} ${JSON.stringify(EVENT)}`, `MessageId=${published.MessageId}`);

    await withinDeadline(Promise.race([acked, endedEarly]), deadlineAt, 'the message deletion');
    const queue = server.inspectQueue(QUEUE_NAME);
    const left =
      queue === undefined
        ? undefined
        : queue.messages.ready.length + queue.messages.inflight.length + queue.messages.delayed.length;
    const patched = apis.requests.find((request) => request.api === 'httpbin' && request.status === 200);
    const json = (patched?.response as { json?: unknown } | undefined)?.json;
    const isPatched =
      JSON.stringify(json) === JSON.stringify({ id: 'test-1', github_url: 'https://github.com/georgeyk' });
    say('check', `httpbin received { id, github_url }: ${isPatched ? 'yes' : 'NO'}`, JSON.stringify(json));
    say(
      'check',
      `queue ${QUEUE_NAME} is empty: ${left === 0 ? 'yes' : 'NO'}`,
      `${left ?? '?'} message(s) left`,
    );
    if (!isPatched || left !== 0) throw new Error('the service did not patch and delete the message');

    await manager.stop();
    const code = await withinDeadline(service, deadlineAt, 'the service stop');
    if (code !== 0) throw new Error(`the service ended with exit code ${code}`);
    console.log(`\n${paint(32, '✔')} received, looked up, patched and deleted: the demo worked.`);
    printHandsOn();
    return 0;
  } catch (error) {
    console.error(
      `\n${paint(31, '✘')} demo failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    if (manager !== undefined)
      await withinDeadline(manager.stop(), Date.now() + 5000, 'stop').catch(() => {});
    await apis.stop();
    sqs.destroy();
    sns.destroy();
    await server.stop();
  }
}

process.exit(await main());
