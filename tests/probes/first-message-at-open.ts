// Does a data channel's offerer ever miss the first message the answerer sends the moment
// its channel opens? Two Chromium browsers (two processes), plain RTCPeerConnection, no
// PeerJS and no Parley; signaling is relayed through this script. Each round the answerer
// sends "first" on open, and "second" in reply to the offerer's "hi". This is why the
// identity handshake has the dialled side speak only after it has heard the dialler
// (docs/protocol.md#identity-handshake).
//
//   node tests/run-in-private-network.ts node tests/probes/first-message-at-open.ts [rounds]
//
// Prints one JSON line: rounds, first messages lost, replies lost. Chromium refuses new
// peer connections after a few hundred in one page, so keep rounds at 200 or fewer.
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../support/chromium-args.ts';

declare global {
  interface Window {
    pc?: RTCPeerConnection;
    toA(kind: string, data: string): Promise<void>;
    toB(kind: string, data: string): Promise<void>;
    fromA(kind: string, data: string): Promise<void>;
    fromB(kind: string, data: string): Promise<void>;
  }
}

const rounds = Math.min(200, Number(process.argv[2] ?? 200));
const args = chromiumArgs('').filter((arg) => !arg.includes('extension'));
const browsers: Browser[] = await Promise.all(
  [0, 1].map(() => chromium.launch({ executablePath: chromiumPath, args })),
);
const [offerer, answerer]: Page[] = await Promise.all(
  browsers.map(async (browser) => {
    const page = await browser.newPage();
    await page.goto('data:text/html,<title>probe</title>');
    return page;
  }),
);
await offerer!.exposeFunction('toB', (kind: string, data: string) =>
  answerer!.evaluate(([k, d]) => window.fromA(k!, d!), [kind, data]),
);
await answerer!.exposeFunction('toA', (kind: string, data: string) =>
  offerer!.evaluate(([k, d]) => window.fromB(k!, d!), [kind, data]),
);
await answerer!.evaluate(() => {
  window.fromA = async (kind, data) => {
    if (kind === 'offer') {
      window.pc?.close();
      const pc = (window.pc = new RTCPeerConnection());
      pc.onicecandidate = (e) =>
        void (e.candidate && window.toA('candidate', JSON.stringify(e.candidate)));
      pc.ondatachannel = ({ channel }) => {
        channel.onopen = () => channel.send('first');
        channel.onmessage = () => channel.send('second');
      };
      await pc.setRemoteDescription(JSON.parse(data) as RTCSessionDescriptionInit);
      await pc.setLocalDescription();
      await window.toA('answer', JSON.stringify(pc.localDescription));
    } else await window.pc?.addIceCandidate(JSON.parse(data) as RTCIceCandidateInit);
  };
});

let lostFirst = 0;
let lostReply = 0;
for (let round = 0; round < rounds; round++) {
  const got = await offerer!.evaluate(async () => {
    window.pc?.close();
    const pc = (window.pc = new RTCPeerConnection());
    window.fromB = async (kind, data) => {
      if (kind === 'answer')
        await pc.setRemoteDescription(JSON.parse(data) as RTCSessionDescriptionInit);
      else await pc.addIceCandidate(JSON.parse(data) as RTCIceCandidateInit);
    };
    pc.onicecandidate = (e) =>
      void (e.candidate && window.toB('candidate', JSON.stringify(e.candidate)));
    const channel = pc.createDataChannel('probe', { ordered: true });
    const received: string[] = [];
    await new Promise<void>((resolve) => {
      channel.onopen = () => channel.send('hi');
      channel.onmessage = (event: MessageEvent<string>) => {
        received.push(event.data);
        if (event.data === 'second') resolve();
      };
      setTimeout(resolve, 5_000);
      void pc
        .setLocalDescription()
        .then(() => window.toB('offer', JSON.stringify(pc.localDescription)));
    });
    return received;
  });
  if (!got.includes('first')) lostFirst += 1;
  if (!got.includes('second')) lostReply += 1;
}
await Promise.all(browsers.map((browser) => browser.close()));
console.log(JSON.stringify({ rounds, lost_first_message: lostFirst, lost_reply: lostReply }));
