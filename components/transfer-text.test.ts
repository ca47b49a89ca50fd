import { describe, expect, it } from 'vitest';
import type { TransferSummary } from '../lib/transfer/transfer-summary.ts';
import {
  autoAcceptChoices,
  describeTransfer,
  failureText,
  fileBadge,
  formatSpeed,
  formatTimeLeft,
  progressPercent,
  transferActions,
} from './transfer-text.ts';

const transfer = (patch: Partial<TransferSummary> = {}): TransferSummary => ({
  id: 't1',
  peerId: 'bob',
  direction: 'out',
  name: 'report.pdf',
  size: 12_000_000,
  offeredAt: 1_000,
  state: 'offered',
  reason: null,
  doneBytes: 0,
  sentBytes: 0,
  bytesPerSecond: null,
  secondsLeft: null,
  downloadId: null,
  endedBy: null,
  ...patch,
});

describe('formatSpeed', () => {
  it.each([
    [4_200_000, '4.2 MB/s'],
    [532, '532 bytes/s'],
    [52_000_000, '52 MB/s'],
    [0, '0 bytes/s'],
  ])('%d bytes per second read "%s"', (speed, text) => {
    expect(formatSpeed(speed)).toBe(text);
  });

  it('is null while the speed is unknown or nonsense', () => {
    expect(formatSpeed(null)).toBeNull();
    expect(formatSpeed(Number.NaN)).toBeNull();
    expect(formatSpeed(-5)).toBeNull();
  });
});

describe('formatTimeLeft', () => {
  it.each([
    [0.4, 'almost done'],
    [1, 'about 1 s left'],
    [12, 'about 12 s left'],
    [12.2, 'about 13 s left'],
    [59, 'about 59 s left'],
    [60, 'about 1 min left'],
    [89, 'about 1 min left'],
    [90, 'about 2 min left'],
    [45 * 60, 'about 45 min left'],
    [3_570, 'about 1 h left'],
    [3_600 + 20 * 60, 'about 1 h 20 min left'],
    [26 * 3_600, 'about 26 h left'],
  ])('%d s reads "%s"', (seconds, text) => {
    expect(formatTimeLeft(seconds)).toBe(text);
  });

  it('is null while unknown', () => {
    expect(formatTimeLeft(null)).toBeNull();
    expect(formatTimeLeft(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('progressPercent', () => {
  it('rounds down, so that 100 % means every byte', () => {
    expect(progressPercent(0, 1_000)).toBe(0);
    expect(progressPercent(625, 1_000)).toBe(62);
    expect(progressPercent(999, 1_000)).toBe(99);
    expect(progressPercent(1_000, 1_000)).toBe(100);
  });

  it('stays within 0–100, and an empty file is done at once', () => {
    expect(progressPercent(2_000, 1_000)).toBe(100);
    expect(progressPercent(-1, 1_000)).toBe(0);
    expect(progressPercent(0, 0)).toBe(100);
  });
});

describe('describeTransfer', () => {
  it('says who sent it, and its size', () => {
    expect(describeTransfer(transfer(), 'Bob')).toMatchObject({ who: 'You sent', size: '12 MB' });
    expect(describeTransfer(transfer({ direction: 'in' }), 'Bob').who).toBe('Bob sent');
  });

  it.each([
    ['offered', 'out', 'Waiting for Bob to accept'],
    ['offered', 'in', 'Waiting for you to accept'],
    ['transferring', 'out', 'Sending…'],
    ['transferring', 'in', 'Receiving…'],
    ['interrupted', 'out', 'Waiting for Bob to come back'],
    ['interrupted', 'in', 'Waiting for Bob to come back'],
    ['paused', 'out', 'Paused: attach report.pdf again to resume'],
    ['paused', 'in', 'Waiting for Bob to resume'],
    ['verifying', 'out', 'Bob is checking the file…'],
    ['verifying', 'in', 'Checking the file…'],
    ['complete', 'out', 'Delivered'],
    ['complete', 'in', 'Saved to Downloads'],
    ['declined', 'out', 'Bob declined'],
    ['declined', 'in', 'You declined'],
    ['cancelled', 'out', 'You cancelled'],
    ['failed', 'in', 'Failed'],
  ] as const)('%s, %s: "%s"', (state, direction, status) => {
    expect(describeTransfer(transfer({ state, direction }), 'Bob').status).toBe(status);
  });

  it('says who cancelled', () => {
    const byPeer = transfer({ state: 'cancelled', reason: 'cancelled', endedBy: 'peer' });
    expect(describeTransfer(byPeer, 'Bob').status).toBe('Bob cancelled');
    const byMe = transfer({ state: 'cancelled', reason: 'cancelled', endedBy: 'me' });
    expect(describeTransfer(byMe, 'Bob').status).toBe('You cancelled');
  });

  it('shows progress, speed and time left while transferring', () => {
    const text = describeTransfer(
      transfer({
        state: 'transferring',
        doneBytes: 7_440_000,
        bytesPerSecond: 4_200_000,
        secondsLeft: 12,
      }),
      'Bob',
    );
    expect(text).toMatchObject({
      percent: 62,
      amount: '7.4 MB of 12 MB',
      rate: '4.2 MB/s · about 12 s left',
      problem: null,
    });
  });

  it('leaves out the speed until it is measured', () => {
    const text = describeTransfer(transfer({ state: 'transferring', doneBytes: 10 }), 'Bob');
    expect(text.percent).toBe(0);
    expect(text.rate).toBeNull();
  });

  it('keeps the bar where it stopped while interrupted, without a speed', () => {
    const text = describeTransfer(
      transfer({ state: 'interrupted', doneBytes: 6_000_000, bytesPerSecond: 1_000 }),
      'Bob',
    );
    expect(text).toMatchObject({ percent: 50, rate: null });
  });

  it('shows a full bar while the file is checked, and none before or after', () => {
    expect(describeTransfer(transfer({ state: 'verifying', doneBytes: 0 }), 'Bob').percent).toBe(
      100,
    );
    for (const state of ['offered', 'complete', 'declined', 'cancelled', 'failed'] as const)
      expect(describeTransfer(transfer({ state }), 'Bob')).toMatchObject({
        percent: null,
        amount: null,
        rate: null,
      });
  });

  it('keeps the bar where it stopped while paused, and says why a file attached again was refused', () => {
    const paused = transfer({ state: 'paused', doneBytes: 3_000_000 });
    expect(describeTransfer(paused, 'Bob')).toMatchObject({ percent: 25, problem: null });
    const refused = transfer({ state: 'paused', reason: 'different-file' });
    expect(describeTransfer(refused, 'Bob').problem).toMatch(
      /not the one you were sending.*Choose the original file/,
    );
  });

  it('says why it failed, and only when it failed', () => {
    const failed = transfer({ state: 'failed', reason: 'no-space', direction: 'in' });
    expect(describeTransfer(failed, 'Bob').problem).toBe('Not enough disk space.');
    const cancelled = transfer({ state: 'cancelled', reason: 'cancelled' });
    expect(describeTransfer(cancelled, 'Bob').problem).toBeNull();
  });
});

describe('failureText', () => {
  it.each([
    ['source-unreadable', 'out', 'The file changed or was deleted before it was sent.'],
    [
      'source-unreadable',
      'in',
      'The file changed or was deleted on Bob’s side before it was sent.',
    ],
    ['no-space', 'in', 'Not enough disk space.'],
    ['no-space', 'out', 'Bob did not have enough disk space.'],
    ['hash-mismatch', 'in', 'The file arrived damaged (checksum mismatch) and was deleted.'],
    ['hash-mismatch', 'out', 'The file arrived damaged at Bob’s side (checksum mismatch).'],
    ['save-failed', 'in', 'The file arrived but could not be saved to your Downloads folder.'],
    ['protocol', 'in', 'Bob’s Parley sent something unexpected, so the transfer was stopped.'],
    ['different-file', 'in', 'Bob attached a different file.'],
    ['failed', 'out', 'Something went wrong, and the transfer stopped.'],
    [null, 'in', 'Something went wrong, and the transfer stopped.'],
  ] as const)('%s, %s: "%s"', (reason, direction, text) => {
    expect(failureText(reason, direction, 'Bob')).toBe(text);
  });
});

describe('transferActions', () => {
  const shown = (patch: Partial<TransferSummary>) =>
    Object.entries(transferActions(transfer(patch)))
      .filter(([, on]) => on)
      .map(([action]) => action);

  it('lets an incoming offer be accepted or declined', () => {
    expect(shown({ direction: 'in', state: 'offered' })).toEqual(['accept', 'decline']);
  });

  it('lets anything under way be cancelled, either way', () => {
    expect(shown({ direction: 'out', state: 'offered' })).toEqual(['cancel']);
    for (const state of ['transferring', 'interrupted', 'verifying'] as const)
      for (const direction of ['in', 'out'] as const)
        expect(shown({ direction, state })).toEqual(['cancel']);
  });

  it('lets a paused file be attached again by its sender; either side may cancel', () => {
    expect(shown({ direction: 'out', state: 'paused' })).toEqual(['cancel', 'reattach']);
    expect(shown({ direction: 'in', state: 'paused' })).toEqual(['cancel']);
  });

  it('shows a received file in its folder, and offers nothing once it ended otherwise', () => {
    expect(shown({ direction: 'in', state: 'complete' })).toEqual(['show']);
    expect(shown({ direction: 'out', state: 'complete' })).toEqual([]);
    for (const state of ['declined', 'cancelled', 'failed'] as const)
      expect(shown({ direction: 'in', state })).toEqual([]);
  });
});

describe('fileBadge', () => {
  it.each([
    ['report.pdf', 'PDF'],
    ['photo.jpeg', 'JPEG'],
    ['archive.tar.gz', 'GZ'],
    ['README', ''],
    ['.bashrc', ''],
    ['trailing.', ''],
    ['movie.verylong', ''],
    ['odd.p d', ''],
  ])('%s: "%s"', (name, badge) => {
    expect(fileBadge(name)).toBe(badge);
  });
});

describe('autoAcceptChoices', () => {
  it('offers Off, 10 MB, 100 MB, 1 GB and any size', () => {
    expect(autoAcceptChoices(0).map((choice) => [choice.bytes, choice.label])).toEqual([
      [0, 'Off'],
      [10_000_000, '10 MB'],
      [100_000_000, '100 MB'],
      [1_000_000_000, '1 GB'],
      [Number.MAX_SAFE_INTEGER, 'Any size'],
    ]);
  });

  it('keeps a limit set elsewhere among them, in its place', () => {
    expect(autoAcceptChoices(5_000_000).map((choice) => choice.label)).toEqual([
      'Off',
      '5 MB',
      '10 MB',
      '100 MB',
      '1 GB',
      'Any size',
    ]);
  });
});
