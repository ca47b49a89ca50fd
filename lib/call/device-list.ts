/** A camera or microphone as the device selects show it. */
export interface DeviceOption {
  deviceId: string;
  label: string;
}

/**
 * The cameras and microphones the browser lists. Labels are empty until the user allowed
 * media once; then they get a numbered name instead of a blank line.
 */
export async function listDevices(
  mediaDevices: Pick<MediaDevices, 'enumerateDevices'>,
): Promise<{ cameras: DeviceOption[]; microphones: DeviceOption[] }> {
  const devices = await mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind, noun: string) =>
    devices
      .filter((device) => device.kind === kind && device.deviceId !== '')
      .map((device, index) => ({
        deviceId: device.deviceId,
        label: device.label || `${noun} ${index + 1}`,
      }));
  return { cameras: pick('videoinput', 'Camera'), microphones: pick('audioinput', 'Microphone') };
}
