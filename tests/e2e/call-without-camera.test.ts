// A video call where the callee has no camera at all (Chromium's fake capture set to no
// video device): his page must go on with sound only, say why, and still show the
// caller's video; the caller is told his camera is off. (A camera the user blocked fails
// the same way, with NotAllowedError instead of NotFoundError; Chromium's fake prompt
// cannot refuse, so this is the case a test can make real.)
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/chromium-args.ts';
import { CallPage, waitForCall } from '../support/call-page.ts';
import { becomeContacts } from '../support/contact-flows.ts';
import { requestHost } from '../support/host-requests.ts';
import { waitForText } from '../support/locators.ts';
import { twoUserSuite } from '../support/two-user-suite.ts';

describe('a call to someone without a camera', () => {
  const suite = twoUserSuite('call-without-camera', {
    displayNames: { alice: 'Alice', bob: 'Bob' },
    launchers: {
      bob: {
        executablePath: chromiumPath,
        args: ['--use-fake-device-for-media-stream=device-count=0'],
      },
    },
  });

  it('goes on with sound only on his side, says so, and Alice sees his camera is off', async () => {
    const { alice, bob } = suite;
    await becomeContacts(alice, bob);
    const started = await requestHost(alice.popup.page, 'startCall', {
      peerId: bob.id,
      video: true,
    });
    if (!started.ok) throw new Error(`startCall was refused: ${started.error}`);
    const caller = await CallPage.find(alice.profile.context, started.callId);
    await bob.popup.openConversation(alice.id);
    await waitForCall(bob.popup.page, alice.id, (call) => call.state === 'ringing');
    await bob.popup.page.getByTestId('call-accept').click();
    const callee = await CallPage.find(bob.profile.context, started.callId);

    await Promise.all([caller.waitForState('active'), callee.waitForState('active')]);
    await waitForText(callee.notice, /camera/i, 10_000);
    expect(await callee.error.count(), 'an error instead of a notice').toBe(0);
    await waitForText(caller.remoteCameraOff, /camera is off/i, 10_000);
    await callee.waitForFramesDecodedRising();

    await caller.hangUpButton.click();
    await Promise.all([caller.waitForState('ended'), callee.waitForState('ended')]);
    expect(await callee.allTracksStopped()).toBe(true);
    await Promise.all([caller.close(), callee.close()]);
  });
});
