import { t } from '../shared/i18n.js';
import type { DeviceView } from '../shared/session-view.js';

export function Devices(props: {
  devices: DeviceView[];
  onConnect: (id: string) => void;
  onUnpair: (id: string) => void;
  onAutoOpen: (id: string, on: boolean) => void;
}) {
  if (props.devices.length === 0) return null;
  return (
    <>
      <h2>{t('devices')}</h2>
      <ul class="devices" id="devices">
        {props.devices.map((device) => (
          <li
            key={device.id}
            class="row"
            data-id={device.id}
            data-device={device.name}
            data-online={String(device.online)}
          >
            <span class={`dot ${device.online ? 'on' : ''}`} aria-hidden="true" />
            <span class="name">
              {device.name}
              <small>
                {device.unpairPending ? t('unpairing') : device.online ? t('online') : t('offline')}
              </small>
              <label class="auto-open">
                <input
                  type="checkbox"
                  checked={device.autoOpenLinks}
                  onChange={(event) => props.onAutoOpen(device.id, event.currentTarget.checked)}
                />{' '}
                <small>{t('autoOpenLinks')}</small>
              </label>
            </span>
            <button
              type="button"
              class="connect-device"
              disabled={!device.online || device.unpairPending}
              onClick={() => props.onConnect(device.id)}
            >
              {t('connectDevice')}
            </button>
            <button
              type="button"
              class="secondary unpair-device"
              disabled={device.unpairPending}
              onClick={() => props.onUnpair(device.id)}
            >
              {t('unpair')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
