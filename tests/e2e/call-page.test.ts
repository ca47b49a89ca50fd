// The call page on its own, in a real Chromium with fake devices: two call tabs of one
// browser, wired through a stand-in of the host's call service (support/stand-in-call-host.ts).
// It checks what the page does with real WebRTC (negotiation, moving video, mute state
// crossing over, screen sharing by replaceTrack, hang-up), independently of the host.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallPage } from '../support/call-page.ts';
import { ChromiumProfile } from '../support/chromium-profile.ts';
import { keepLogs } from '../support/diagnostics.ts';
import { waitForText } from '../support/locators.ts';
import {
  installStandInCallHost,
  STAND_IN_CALLEE,
  STAND_IN_CALLER,
  standInAnswer,
} from '../support/stand-in-call-host.ts';
import { waitFor } from '../support/wait.ts';

/** The buttons and selects of `page` that have no accessible name, by role. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
    };
    return nodes
      .filter((node) => !node.ignored && ['button', 'combobox'].includes(node.role?.value ?? ''))
      .filter((node) => !node.name?.value.trim())
      .map((node) => node.role?.value ?? '?');
  } finally {
    await cdp.detach();
  }
}

describe('the call page, against a stand-in host', () => {
  let profile: ChromiumProfile | undefined;
  keepLogs('call-page', () => ({ alice: profile }));

  beforeAll(async () => {
    profile = await ChromiumProfile.launch('alice');
  });
  afterAll(async () => {
    await profile?.dispose();
  });

  it('negotiates, shows moving video both ways, relays mute, shares the screen and hangs up', async () => {
    const context = profile!.context;
    const base = `chrome-extension://${profile!.extensionId}`;
    const relay = await context.newPage();
    await relay.goto(`${base}/options.html`);
    await installStandInCallHost(relay);

    const callerTab = await context.newPage();
    await callerTab.goto(`${base}/call.html#${STAND_IN_CALLER}`);
    const caller = await CallPage.find(context, STAND_IN_CALLER);
    await caller.waitForState('ringing');
    // The callee accepts before its page listens: the caller's first offer is lost, and
    // must be repeated until answered.
    await standInAnswer(relay);
    await caller.waitForState('connecting');
    const calleeTab = await context.newPage();
    await calleeTab.goto(`${base}/call.html#${STAND_IN_CALLEE}`);
    const callee = await CallPage.find(context, STAND_IN_CALLEE);

    await Promise.all([caller.waitForState('active'), callee.waitForState('active')]);
    await caller.waitForRemoteVideoMoving();
    await callee.waitForRemoteVideoMoving();
    await callee.waitForRemoteShape('camera');

    await caller.muteButton.click();
    await waitForText(callee.remoteMuted, /muted/, 10_000);

    const camera = await caller.outgoingVideoTrack();
    await caller.screenButton.click();
    const screen = await waitFor('the caller to send its screen', async () => {
      const track = await caller.outgoingVideoTrack();
      return track && track.id !== camera?.id ? track : undefined;
    });
    expect(screen.label).toMatch(/screen/i);
    await callee.waitForRemoteShape('screen');
    await callee.waitForRemoteVideoMoving();
    await caller.screenButton.click(); // stop sharing: back to the camera, same sender
    await callee.waitForRemoteShape('camera');
    expect((await caller.outgoingVideoTrack())?.id).toBe(camera?.id);

    await callee.cameraButton.click();
    await waitForText(caller.remoteCameraOff, /camera is off/, 10_000);

    // Every control has a name, and the controls work from the keyboard.
    expect(await unnamedControls(callee.page)).toEqual([]);
    await callee.page.bringToFront();
    await callee.page.locator('body').focus();
    await waitFor('Tab to reach the mute button', async () => {
      await callee.page.keyboard.press('Tab');
      return (await callee.muteButton.evaluate((button) => button === document.activeElement))
        ? true
        : undefined;
    });
    await callee.page.keyboard.press('Space');
    await waitForText(caller.remoteMuted, /muted/, 10_000);

    await caller.hangUpButton.click();
    await Promise.all([caller.waitForState('ended'), callee.waitForState('ended')]);
    await waitForText(callee.endedReason, /call ended/i);
    expect(await caller.allTracksStopped()).toBe(true);
    expect(await callee.allTracksStopped()).toBe(true);
  });
});
