// A long-running local AWS for the tutorial, to drive the service by hand with the aws cli:
// fauxqs (SQS + SNS) on port 4566 with the topic `friend-created`, the queue `foobar-friend-created`
// and the subscription already made, plus stand-ins for the GitHub users API and httpbin on port 4567.
//
//   node --conditions=source --import tsx examples/friend-service/server.ts
//
// Environment: FAUXQS_PORT (default 4566), STAND_INS_PORT (default 4567). Ctrl-C stops it.
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { createFriendInfrastructure, QUEUE_NAME, TOPIC_NAME } from './infrastructure.js';
import { startStandIns } from './stand-ins.js';

const REGION = 'us-east-1';
const port = Number(process.env.FAUXQS_PORT ?? 4566);
const standInsPort = Number(process.env.STAND_INS_PORT ?? 4567);

const server = await startFauxqs({ port, logger: false });
const endpoint = `http://localhost:${server.port}`;
const clientOptions = {
  endpoint: server.address,
  region: REGION,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const sqs = new SQSClient(clientOptions);
const sns = new SNSClient(clientOptions);
const infrastructure = await createFriendInfrastructure({ sqs, sns });
sqs.destroy();
sns.destroy();
const apis = await startStandIns({ port: standInsPort });
apis.onRequest((request) =>
  console.log(`[${request.api}] ${request.method} ${request.path} → ${request.status}`),
);

console.log(`fauxqs (SQS + SNS) on ${endpoint}
  topic  ${infrastructure.topicArn}
  queue  ${infrastructure.queueUrl}  (subscribed)
stand-ins: GitHub users API ${apis.githubApiUrl}, httpbin ${apis.httpbinUrl}

Run the service in another terminal:

  AWS_ENDPOINT_URL=${endpoint} GITHUB_API_URL=${apis.githubApiUrl} HTTPBIN_URL=${apis.httpbinUrl} \\
    node --conditions=source --import tsx examples/friend-service/run.ts

Publish the tutorial's event:

  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${REGION}
  aws --endpoint-url ${endpoint} sns publish --topic-arn ${infrastructure.topicArn} \\
    --message file://examples/friend-service/test_user.json

Count what is left in the queue (0 and 0 once the service handled the event):

  aws --endpoint-url ${endpoint} sqs get-queue-attributes --queue-url ${infrastructure.queueUrl} \\
    --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible

or see every message in it: curl ${endpoint}/_fauxqs/queues/${QUEUE_NAME}
(topic ${TOPIC_NAME}; Ctrl-C stops this server)`);

async function shutdown(): Promise<void> {
  await apis.stop();
  await server.stop();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
