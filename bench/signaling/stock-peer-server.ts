// The reference: npm `peer`'s PeerServer exactly as its README starts it, with every
// default (key 'peerjs', path '/', concurrent_limit 5,000), on the port given as the
// first argument. A child process of its own, so its memory is its own to read.
import { PeerServer } from 'peer';

const port = Number(process.argv[2]);
PeerServer({ port, host: '127.0.0.1' }, () => {
  // The parent waits for this line before it connects anyone.
  console.log(`listening ${port}`);
});
