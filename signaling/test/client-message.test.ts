import { describe, expect, it } from 'vitest';
import { decodeClientMessage, errorFrame } from '../src/client-message.ts';

const decode = (text: string) => decodeClientMessage(Buffer.from(text), false);

describe('decodeClientMessage', () => {
  it.each([
    '{"type":"HEARTBEAT"}',
    '{"type":"OFFER","dst":"bob","payload":{"sdp":{}}}',
    '{"type":"ANSWER","dst":"bob","payload":{}}',
    '{"type":"CANDIDATE","dst":"bob","payload":{"candidate":{}},"extra":1}',
    '{"type":"LEAVE","dst":"bob"}',
  ])('accepts %s', (text) => {
    expect(decode(text)).toMatchObject({ ok: true, message: JSON.parse(text) });
  });

  it.each([
    ['not json', 'message is not JSON'],
    ['null', 'message must be a JSON object'],
    ['"OFFER"', 'message must be a JSON object'],
    ['[{"type":"OFFER"}]', 'message must be a JSON object'],
    ['{}', '"type" must be a string'],
    ['{"type":["OFFER"]}', '"type" must be a string'],
    ['{"type":"toString"}', 'unknown message type'],
    ['{"type":"__proto__"}', 'unknown message type'],
    ['{"type":"OPEN"}', 'unknown message type'],
    ['{"type":"OFFER","payload":{}}', '"dst" must be a peer ID string'],
    ['{"type":"OFFER","dst":"","payload":{}}', '"dst" must be a peer ID string'],
    [`{"type":"OFFER","dst":"${'x'.repeat(257)}","payload":{}}`, '"dst" must be a peer ID string'],
    ['{"type":"ANSWER","dst":"bob","payload":null}', '"payload" must be an object'],
    ['{"type":"ANSWER","dst":"bob","payload":[]}', '"payload" must be an object'],
    ['{"type":"LEAVE","dst":7}', '"dst" must be a peer ID string'],
  ])('rejects %s: %s', (text, reason) => {
    expect(decode(text)).toEqual({ ok: false, reason });
  });

  it('rejects binary frames before parsing them', () => {
    expect(decodeClientMessage(Buffer.from('{"type":"HEARTBEAT"}'), true)).toMatchObject({
      ok: false,
    });
  });

  it('reads fragmented and ArrayBuffer data', () => {
    const parts = [Buffer.from('{"type":'), Buffer.from('"HEARTBEAT"}')];
    expect(decodeClientMessage(parts, false)).toMatchObject({ ok: true });
    const arrayBuffer = new TextEncoder().encode('{"type":"HEARTBEAT"}').buffer as ArrayBuffer;
    expect(decodeClientMessage(arrayBuffer, false)).toMatchObject({ ok: true });
  });

  it('builds errors in PeerServer’s own frame shape', () => {
    expect(JSON.parse(errorFrame('nope'))).toEqual({ type: 'ERROR', payload: { msg: 'nope' } });
  });
});
