// OFFER relay latency: two registered clients send each other OFFERs shaped like PeerJS's
// (`{type:'OFFER', dst, payload}`, the payload carrying an SDP), one at a time, and the
// clock runs from `send()` to the frame's arrival at the other client. Both ends live in
// this process, so one clock times both; what it measures is the server's relay plus
// two loopback hops.
import WebSocket from 'ws';
import { register, type Endpoint } from './peer-client.ts';

/** About the size of a data-channel offer's SDP from Chromium. */
const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n${'a=x-bench:padding\r\n'.repeat(45)}`;

export interface RelayPair {
  a: { id: string; socket: WebSocket };
  b: { id: string; socket: WebSocket };
}

/** Registers the pair; done before the crowd arrives, so both are surely in. */
export async function openRelayPair(endpoint: Endpoint, tag: string): Promise<RelayPair> {
  const ids = [`relay-${tag}-a-${process.pid}`, `relay-${tag}-b-${process.pid}`] as const;
  const [a, b] = await Promise.all(ids.map((id) => register(endpoint, id)));
  if (!a?.ok || !b?.ok) throw new Error(`The relay pair could not register on ${tag}.`);
  return { a: { id: ids[0], socket: a.socket }, b: { id: ids[1], socket: b.socket } };
}

/** Milliseconds from send to arrival of `count` OFFERs, alternating direction. */
export async function measureRelay(pair: RelayPair, count: number, gapMs: number) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const [from, to] = i % 2 === 0 ? [pair.a, pair.b] : [pair.b, pair.a];
    const connectionId = `dc_bench_${i}`;
    const arrived = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`OFFER ${i} did not arrive in 5 s`)), 5_000);
      const onMessage = (data: WebSocket.RawData): void => {
        const at = performance.now();
        const frame = JSON.parse(String(data)) as {
          type?: string;
          payload?: { connectionId?: string };
        };
        if (frame.type !== 'OFFER' || frame.payload?.connectionId !== connectionId) return;
        clearTimeout(timer);
        to.socket.off('message', onMessage);
        resolve(at);
      };
      to.socket.on('message', onMessage);
    });
    const frame = JSON.stringify({
      type: 'OFFER',
      dst: to.id,
      payload: {
        sdp: { type: 'offer', sdp: SDP },
        type: 'data',
        connectionId,
        label: connectionId,
        reliable: true,
        serialization: 'raw',
      },
    });
    const sentAt = performance.now();
    from.socket.send(frame);
    samples.push((await arrived) - sentAt);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return samples;
}
