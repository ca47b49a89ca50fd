// Video calls (issue #5) between two contacts, each in their own browser with Chromium's
// fake camera, microphone and screen: Alice calls Bob from the conversation, Bob accepts
// in his popup, and each call tab (call.html#<callId>, opened by its host) shows the
// other's video moving. Mute and camera state cross over; sharing the screen replaces the
// outgoing video without a new negotiation; hanging up ends both pages and frees the
// devices. Chat and files go on during a call. A declined call and a call to a contact
// who is offline end with a reason.
import { describe, expect, it } from 'vitest';
import { CallPage, storedCall, waitForCall } from '../support/call-page.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { requestHost, storedContact } from '../support/host-requests.ts';
import { waitForText } from '../support/locators.ts';
import { TransferCards } from '../support/transfers.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';
import { waitFor } from '../support/wait.ts';

describe('calls', () => {
  const suite = twoUserSuite('call', { displayNames: { alice: 'Alice', bob: 'Bob' } });
  /** The call the first tests share: started, then checked step by step, then hung up. */
  let aliceCall: CallPage;
  let bobCall: CallPage;

  it('Alice calls Bob from their conversation; Bob accepts; both see the other’s video move', async () => {
    const { alice, bob } = suite;
    await becomeContacts(alice, bob);

    await alice.popup.openConversation(bob.id);
    await alice.popup.page.getByTestId('call-start').click();
    const outgoing = await waitForCall(alice.popup.page, bob.id);
    expect(outgoing).toMatchObject({ direction: 'out', video: true });
    aliceCall = await CallPage.find(alice.profile.context, outgoing.callId);
    await waitForText(aliceCall.state, /ringing/i, 15_000);

    // The callId is the caller's, on both sides.
    const incoming = await waitForCall(
      bob.popup.page,
      alice.id,
      (call) => call.state === 'ringing',
    );
    expect(incoming).toMatchObject({ callId: outgoing.callId, direction: 'in', video: true });
    expect(CallPage.isOpen(bob.profile.context)).toBe(false); // not before he accepts
    await bob.popup.page.getByTestId('call-accept').click();
    bobCall = await CallPage.find(bob.profile.context, outgoing.callId);

    await Promise.all([aliceCall.waitForState('active'), bobCall.waitForState('active')]);
    await aliceCall.waitForRemoteVideoMoving();
    await bobCall.waitForRemoteVideoMoving();
    // And as WebRTC itself counts it: each side keeps decoding the other's frames.
    await Promise.all([
      aliceCall.waitForFramesDecodedRising(),
      bobCall.waitForFramesDecodedRising(),
    ]);
    await bobCall.waitForRemoteShape('camera');
    await waitForText(aliceCall.timer, /^0:0[1-9]|^0:[1-5]\d/);
    await waitForText(bobCall.quality, /connection/i, 10_000);
    expect((await storedCall(alice.popup.page, outgoing.callId))?.state).toBe('active');
    expect(await aliceCall.error.count()).toBe(0);
  });

  it('muting and turning the camera off show on the other side', async () => {
    await aliceCall.muteButton.click();
    await expect.poll(() => aliceCall.muteButton.getAttribute('aria-pressed')).toBe('true');
    await waitForText(bobCall.remoteMuted, /Alice is muted/, 10_000);

    await aliceCall.muteButton.click();
    await waitFor('Bob to see Alice unmuted', async () =>
      (await bobCall.remoteMuted.count()) === 0 ? true : undefined,
    );

    await bobCall.cameraButton.click();
    await waitForText(aliceCall.remoteCameraOff, /Bob’s camera is off/, 10_000);
    await bobCall.cameraButton.click();
    await waitFor('Alice to see Bob’s camera on', async () =>
      (await aliceCall.remoteCameraOff.count()) === 0 ? true : undefined,
    );
  });

  it('sharing the screen replaces Alice’s outgoing video, and Bob keeps seeing it move', async () => {
    const camera = await aliceCall.outgoingVideoTrack();
    expect(camera?.readyState).toBe('live');

    await aliceCall.screenButton.click();
    const screen = await waitFor('Alice to send her screen', async () => {
      const track = await aliceCall.outgoingVideoTrack();
      return track && track.id !== camera?.id ? track : undefined;
    });
    expect(screen.label).toMatch(/screen/i);
    expect(await aliceCall.screenButton.getAttribute('aria-pressed')).toBe('true');
    // Chromium's fake screen is 16:9, its camera 4:3: Bob's picture changes shape.
    await bobCall.waitForRemoteShape('screen');
    await bobCall.waitForRemoteVideoMoving();
    await waitFor('Bob’s host to know Alice shares her screen', async () =>
      (await storedCall(suite.bob.popup.page, bobCall.callId))?.remoteMedia.screen
        ? true
        : undefined,
    );

    await aliceCall.screenButton.click(); // "Stop sharing": back to the camera
    await waitFor('Alice to send her camera again', async () => {
      const track = await aliceCall.outgoingVideoTrack();
      return track?.id === camera?.id ? true : undefined;
    });
    await bobCall.waitForRemoteShape('camera');
    await bobCall.waitForRemoteVideoMoving();
  });

  it('chat and a file go on during the call, and the call with them', async () => {
    const { alice, bob } = suite;
    const text = `during the call ${Date.now()}`;
    await alice.popup.openConversation(bob.id);
    await bob.popup.openConversation(alice.id);
    await alice.popup.conversation(bob.id).send(text);
    await bob.popup.conversation(alice.id).waitForMessage(text, 'in');

    const sent = new TransferCards(alice.popup.page);
    const received = new TransferCards(bob.popup.page);
    const before = await received.ids();
    const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 31) & 0xff));
    await sent.attach([
      { name: 'during-the-call.bin', mimeType: 'application/octet-stream', buffer: bytes },
    ]);
    const id = await received.waitForNew(before, 'in');
    await received.accept(id);
    await Promise.all([
      sent.waitForState(id, ['complete']),
      received.waitForState(id, ['complete']),
    ]);

    // The call did not notice.
    await Promise.all([aliceCall.waitForState('active'), bobCall.waitForState('active')]);
    await Promise.all([
      aliceCall.waitForFramesDecodedRising(),
      bobCall.waitForFramesDecodedRising(),
    ]);
  });

  it('hanging up ends both pages and stops every track', async () => {
    await aliceCall.hangUpButton.click();
    await Promise.all([aliceCall.waitForState('ended'), bobCall.waitForState('ended')]);
    await waitForText(aliceCall.endedReason, /call ended/i);
    await waitForText(bobCall.endedReason, /call ended/i);
    expect(await aliceCall.allTracksStopped()).toBe(true);
    expect(await bobCall.allTracksStopped()).toBe(true);
    expect(await storedCall(suite.alice.popup.page, aliceCall.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    expect(await storedCall(suite.bob.popup.page, bobCall.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    await Promise.all([aliceCall.close(), bobCall.close()]);
  });

  it('a declined call tells the caller, and opens no tab for the callee', async () => {
    const { alice, bob } = suite;
    const started = await requestHost(alice.popup.page, 'startCall', {
      peerId: bob.id,
      video: true,
    });
    if (!started.ok) throw new Error(`startCall was refused: ${started.error}`);
    const caller = await CallPage.find(alice.profile.context, started.callId);
    await waitForCall(
      bob.popup.page,
      alice.id,
      (call) => call.callId === started.callId && call.state === 'ringing',
    );

    await bob.popup.page.getByTestId('call-decline').click();
    await caller.waitForState('ended');
    await waitForText(caller.endedReason, /declined/i);
    expect(await caller.allTracksStopped()).toBe(true);
    expect(await storedCall(bob.popup.page, started.callId)).toMatchObject({
      state: 'ended',
      endReason: 'declined',
    });
    expect(CallPage.isOpen(bob.profile.context, started.callId)).toBe(false);
    await caller.close();
  });

  it('a call to a contact who is offline does not ring, and says why', async () => {
    const { alice, bob } = suite;
    await bob.profile.close();
    await waitFor(
      'Alice to see Bob offline',
      async () =>
        (await storedContact(alice.popup.page, bob.id))?.online === false ? true : undefined,
      { timeoutMs: 30_000 },
    );

    const started = await requestHost(alice.popup.page, 'startCall', {
      peerId: bob.id,
      video: true,
    });
    if (!started.ok) {
      // Refused at once, with a sentence, and no tab.
      expect(started.error).toMatch(/offline/i);
      expect(CallPage.isOpen(alice.profile.context)).toBe(false);
      return;
    }
    // Or accepted, then ended as `offline` on a page that says so.
    const caller = await CallPage.find(alice.profile.context, started.callId);
    await caller.waitForState('ended');
    await waitForText(caller.endedReason, /offline/i);
    expect(await caller.allTracksStopped()).toBe(true);
  });
});
