import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@aws-sdk/client-sqs';
import { parseRedrivePolicy, toInboundMessage } from 'loafer/sqs';

describe('toInboundMessage()', () => {
  it('converts an SDK message: id, body, receive count, group, typed attributes, raw', () => {
    const raw: Message = {
      MessageId: 'm-1',
      ReceiptHandle: 'receipt',
      Body: '{"id":1}',
      Attributes: { ApproximateReceiveCount: '3', MessageGroupId: 'g-1', SentTimestamp: '1700000000000' },
      MessageAttributes: {
        name: { DataType: 'String', StringValue: 'ada' },
        count: { DataType: 'Number', StringValue: '42' },
        price: { DataType: 'Number.eur', StringValue: '9.99' },
        bytes: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2) },
        image: { DataType: 'Binary.png', BinaryValue: Uint8Array.of(3) },
        trace: { DataType: 'String.trace', StringValue: 'abc' },
      },
    };

    const message = toInboundMessage(raw);

    assert.equal(message.id, 'm-1');
    assert.equal(message.body, '{"id":1}');
    assert.equal(message.receiveCount, 3);
    assert.equal(message.groupId, 'g-1');
    assert.equal(message.raw, raw);
    assert.equal(message.systemAttributes.SentTimestamp, '1700000000000');
    assert.deepEqual(message.attributes, {
      name: { dataType: 'String', value: 'ada' },
      count: { dataType: 'Number', value: 42, text: '42' },
      price: { dataType: 'Number', value: 9.99, text: '9.99', customType: 'eur' },
      bytes: { dataType: 'Binary', value: Uint8Array.of(1, 2) },
      image: { dataType: 'Binary', value: Uint8Array.of(3), customType: 'png' },
      trace: { dataType: 'String', value: 'abc', customType: 'trace' },
    });
  });

  it('gives an absent body as an empty string and a missing receive count as 1', () => {
    const message = toInboundMessage({ MessageId: 'm-2', ReceiptHandle: 'r' });

    assert.equal(message.body, '');
    assert.equal(message.receiveCount, 1);
    assert.equal('groupId' in message, false);
    assert.deepEqual(message.attributes, {});
    assert.deepEqual(message.systemAttributes, {});
  });
});

describe('parseRedrivePolicy()', () => {
  it('reads maxReceiveCount as a string or a number', () => {
    const arn = 'arn:aws:sqs:us-east-1:000000000000:orders-dlq';

    assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: '5' })), {
      maxReceiveCount: 5,
      deadLetterTarget: arn,
    });
    assert.deepEqual(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 })), {
      maxReceiveCount: 2,
      deadLetterTarget: arn,
    });
  });

  it('ignores an absent or malformed policy', () => {
    assert.equal(parseRedrivePolicy(undefined), undefined);
    assert.equal(parseRedrivePolicy('not json'), undefined);
    assert.equal(parseRedrivePolicy('{"maxReceiveCount":"0","deadLetterTargetArn":"arn"}'), undefined);
    assert.equal(parseRedrivePolicy('{"maxReceiveCount":"3"}'), undefined);
  });
});
