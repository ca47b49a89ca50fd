// A video call (issue #5) between a Chromium user and a Firefox ESR user, each with their
// browser's fake camera and microphone: Alice's Chromium calls Carol's Firefox, Carol
// accepts in her popup, and each call tab shows the other's video moving; mute and camera
// state cross over, a screen share Firefox cannot start keeps the camera, and hanging up
// ends both. Then Carol's Firefox calls Alice; last, Carol closes her call tab mid-call.
// Here Firefox's call tab (opened by its background page with tabs.create), its
// getUserMedia, its RTCPeerConnection and its getStats meet Chromium's, which no
// Chromium-only test does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallPage, endUnfinishedCalls, storedCall, waitForCall } from '../support/call-page.ts';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { FirefoxCallPage } from '../support/firefox-call-page.ts';
import { extensionPage, FirefoxPopup } from '../support/firefox-popup.ts';
import { FirefoxUser } from '../support/firefox-user.ts';
import { requestHost } from '../support/host-requests.ts';
import { waitForText } from '../support/locators.ts';
import { bringOnline, type OnlineUser } from '../support/online-user.ts';
import { ready } from '../support/one-user-suite.ts';
import { becomeContactsAcrossBrowsers } from '../support/cross-browser-contacts.ts';
import { SignalingServer } from '../support/signaling-server.ts';
import { waitFor } from '../support/wait.ts';

describe('a call between Firefox and Chromium', () => {
  let server: SignalingServer | undefined;
  let profile: ChromiumProfile | undefined;
  let alice: OnlineUser | undefined;
  let carol: FirefoxUser | undefined;
  let carolPopup: FirefoxPopup | undefined;
  let carolId = '';

  keepLogs('firefox-call-with-chromium', () => ({ server, alice: profile, carol }));

  beforeAll(async () => {
    server = await SignalingServer.start();
    await Promise.all([
      ChromiumProfile.launch('alice').then(async (launched) => {
        profile = launched;
        alice = await bringOnline(launched);
      }),
      FirefoxUser.launch('carol').then(async (launched) => {
        carol = launched;
        carolPopup = new FirefoxPopup(await launched.openPopup());
        carolId = await carolPopup.waitUntilOnline();
      }),
    ]);

    await becomeContactsAcrossBrowsers(
      ready(alice, 'Alice'),
      ready(carolPopup, "Carol's popup"),
      carolId,
    );
  });

  // Each test starts with nobody in a call and no call tab open, whatever the last one did.
  afterEach(async () => {
    await Promise.all([
      alice && endUnfinishedCalls(alice.popup.page),
      carolPopup && endUnfinishedCalls(extensionPage(carolPopup.page)),
    ]);
    for (const page of profile?.context.pages() ?? [])
      if (CallPage.isCallTab(page.url())) await page.close();
    if (carol) await FirefoxCallPage.closeAll(carol);
  });

  afterAll(async () => {
    await Promise.allSettled([profile?.dispose(), carol?.close()]);
    await server?.stop();
  });

  it('Chromium calls Firefox; Firefox accepts; video moves both ways, mute and camera cross, hang-up ends both', async () => {
    const { popup, id: aliceId, profile: chromium } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const carolHost = extensionPage(firefox.page);
    const carolUser = ready(carol, 'Carol');

    await popup.openConversation(carolId);
    await popup.page.getByTestId('call-start').click();
    const outgoing = await waitForCall(popup.page, carolId);
    expect(outgoing).toMatchObject({ direction: 'out', video: true });
    const aliceCall = await CallPage.find(chromium.context, outgoing.callId);
    await waitForText(aliceCall.state, /ringing/i, 15_000);

    const incoming = await waitForCall(carolHost, aliceId, (call) => call.state === 'ringing');
    expect(incoming).toMatchObject({ callId: outgoing.callId, direction: 'in', video: true });
    expect(await FirefoxCallPage.isOpen(carolUser)).toBe(false); // not before she accepts
    await firefox.page.locator('[data-testid="call-accept"]').click();
    const carolCall = await FirefoxCallPage.find(carolUser, outgoing.callId);

    await Promise.all([aliceCall.waitForState('active'), carolCall.waitForState('active')]);
    await carolCall.waitForRemoteVideoMoving();
    await aliceCall.waitForRemoteVideoMoving();
    await Promise.all([
      aliceCall.waitForFramesDecodedRising(),
      carolCall.waitForFramesDecodedRising(),
    ]);
    expect(await carolCall.text('call-error')).toBeNull();
    expect(await aliceCall.error.count()).toBe(0);

    // Mute crosses over, both ways.
    await carolCall.click('call-mute');
    // Neither has a display name, so each sees the other's peer ID.
    await waitForText(aliceCall.remoteMuted, new RegExp(`^${carolId} is muted$`), 10_000);
    await carolCall.click('call-mute');
    await waitFor('Alice to see Carol unmuted', async () =>
      (await aliceCall.remoteMuted.count()) === 0 ? true : undefined,
    );
    await aliceCall.muteButton.click();
    await waitFor('Carol to see Alice muted', async () =>
      (await carolCall.text('call-remote-muted')) === `${aliceId} is muted` ? true : undefined,
    );
    await aliceCall.muteButton.click();
    await waitFor('Carol to see Alice unmuted', async () =>
      (await carolCall.text('call-remote-muted')) === null ? true : undefined,
    );

    // Turning the camera off crosses over too.
    await carolCall.click('call-camera');
    await waitForText(
      aliceCall.remoteCameraOff,
      new RegExp(`^${carolId}’s camera is off$`),
      10_000,
    );
    await carolCall.click('call-camera');
    await waitFor('Alice to see Carol’s camera on', async () =>
      (await aliceCall.remoteCameraOff.count()) === 0 ? true : undefined,
    );
    await aliceCall.waitForRemoteVideoMoving();

    // Carol tries to share her screen from Firefox. Headless Firefox has no screen to give
    // (getDisplayMedia: NotFoundError, fake streams or not): then her page says so and
    // keeps sending her camera. Should a Firefox give one, Alice must see it move instead.
    const camera = await carolCall.outgoingVideoTrack();
    expect(camera?.readyState).toBe('live');
    await carolCall.click('call-screen');
    const outcome = await waitFor('Carol’s screen share to start or be refused', async () => {
      const track = await carolCall.outgoingVideoTrack();
      if (track && track.id !== camera?.id) return 'shared';
      return (await carolCall.text('call-notice')) ? 'refused' : undefined;
    });
    if (outcome === 'refused') {
      expect(await carolCall.text('call-notice')).toBe('Your screen could not be shared.');
      expect(await carolCall.outgoingVideoTrack()).toEqual(camera);
      await aliceCall.waitForRemoteVideoMoving();
    } else {
      await aliceCall.waitForRemoteVideoMoving();
      await carolCall.click('call-screen'); // "Stop sharing": back to the camera
      await waitFor('Carol to send her camera again', async () =>
        (await carolCall.outgoingVideoTrack())?.id === camera?.id ? true : undefined,
      );
    }
    await Promise.all([aliceCall.waitForState('active'), carolCall.waitForState('active')]);

    // Carol hangs up in Firefox: both pages end, every track stops.
    await carolCall.click('call-hangup');
    await Promise.all([aliceCall.waitForState('ended'), carolCall.waitForState('ended')]);
    await waitForText(aliceCall.endedReason, /call ended/i);
    expect(await carolCall.text('call-ended-reason')).toMatch(/call ended/i);
    expect(await aliceCall.allTracksStopped()).toBe(true);
    expect(await carolCall.allTracksStopped()).toBe(true);
    expect(await storedCall(popup.page, outgoing.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    expect(await storedCall(carolHost, outgoing.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    await Promise.all([aliceCall.close(), carolCall.close()]);
  });

  it('Firefox calls Chromium; Chromium accepts; video moves both ways; Chromium hangs up', async () => {
    const { popup, id: aliceId, profile: chromium } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const carolHost = extensionPage(firefox.page);
    const carolUser = ready(carol, 'Carol');

    const started = await requestHost(carolHost, 'startCall', { peerId: aliceId, video: true });
    if (!started.ok) throw new Error(`startCall was refused: ${started.error}`);
    const carolCall = await FirefoxCallPage.find(carolUser, started.callId);
    await carolCall.waitForState('ringing', 15_000);

    await waitForCall(
      popup.page,
      carolId,
      (call) => call.callId === started.callId && call.state === 'ringing',
    );
    await popup.page.getByTestId('call-accept').click();
    const aliceCall = await CallPage.find(chromium.context, started.callId);

    await Promise.all([aliceCall.waitForState('active'), carolCall.waitForState('active')]);
    await aliceCall.waitForRemoteVideoMoving();
    await carolCall.waitForRemoteVideoMoving();
    await Promise.all([
      aliceCall.waitForFramesDecodedRising(),
      carolCall.waitForFramesDecodedRising(),
    ]);

    await aliceCall.hangUpButton.click();
    await Promise.all([aliceCall.waitForState('ended'), carolCall.waitForState('ended')]);
    expect(await carolCall.text('call-ended-reason')).toMatch(/call ended/i);
    expect(await carolCall.allTracksStopped()).toBe(true);
    expect(await storedCall(carolHost, started.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    await Promise.all([aliceCall.close(), carolCall.close()]);
  });

  it('closing the call tab in Firefox ends the call on both sides as a hang-up', async () => {
    const { popup, id: aliceId, profile: chromium } = ready(alice, 'Alice');
    const firefox = ready(carolPopup, "Carol's popup");
    const carolHost = extensionPage(firefox.page);
    const carolUser = ready(carol, 'Carol');

    const started = await requestHost(popup.page, 'startCall', { peerId: carolId, video: true });
    if (!started.ok) throw new Error(`startCall was refused: ${started.error}`);
    const aliceCall = await CallPage.find(chromium.context, started.callId);
    await waitForCall(
      carolHost,
      aliceId,
      (call) => call.callId === started.callId && call.state === 'ringing',
    );
    const answered = await requestHost(carolHost, 'answerCall', {
      callId: started.callId,
      accept: true,
    });
    expect(answered.ok, 'answerCall').toBe(true);
    const carolCall = await FirefoxCallPage.find(carolUser, started.callId);
    await Promise.all([aliceCall.waitForState('active'), carolCall.waitForState('active')]);

    // The tab's pagehide asks Carol's host to end the call: a hang-up, within seconds, and
    // not the connection failing on Alice's side later.
    await carolCall.close();
    await aliceCall.waitForState('ended', 5_000);
    await waitForText(aliceCall.endedReason, /call ended/i);
    expect(await aliceCall.allTracksStopped()).toBe(true);
    expect(await storedCall(popup.page, started.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    expect(await storedCall(carolHost, started.callId)).toMatchObject({
      state: 'ended',
      endReason: 'hangup',
    });
    expect(await FirefoxCallPage.isOpen(carolUser, started.callId)).toBe(false);
    await aliceCall.close();
  });
});
