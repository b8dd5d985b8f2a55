import { useEffect, useState } from 'preact/hooks';
import { formatBytes } from '../core/progress.js';
import { CodeField } from '../popup/CodeField.js';
import { t } from '../shared/i18n.js';
import type { SessionView } from '../shared/session-view.js';
import { engine } from './engine-client.js';
import { directoryPicker } from './folder-save.js';
import { offerRoom, type Room } from './platform-web.js';
import { savingFolder } from './saving-place.js';

/** The code field (the popup's own), focused with the last code typed after a retry. */
export function ReceiveForm(props: { initial: string; onReceive: (code: string) => void }) {
  return (
    <CodeField
      heading={t('web_receiveHeading')}
      submitId="receive"
      errorId="code-error"
      initial={props.initial}
      focus
      onCode={props.onReceive}
    />
  );
}

/**
 * Where the files go, and how much this browser can keep for them, before Accept; where files
 * can only wait in memory, on the start screen too (no `view`), before any code is typed.
 */
export function RoomNotice({ view }: { view?: SessionView }) {
  const [room, setRoom] = useState<Room | undefined>();
  const offered = view?.transfer?.direction === 'receive' && view.transfer.state === 'offered';
  const home = !view;
  useEffect(() => {
    if (offered || home) void offerRoom().then(setRoom, () => undefined);
  }, [offered, home]);
  if (!room || !(offered || home)) return null;
  if (room.memoryLimit !== undefined) {
    const bytes = offered ? (room.bytes ?? 0) : room.memoryLimit;
    return (
      <p class="status" id="room" data-room={bytes} data-staging="memory">
        {t('web_roomInMemory', formatBytes(bytes))}
      </p>
    );
  }
  if (!offered || room.bytes === undefined) return null;
  return (
    <p class="status" id="room" data-room={room.bytes} data-staging="disk">
      {/* Where the files go is said beside the folder button, where there is one. */}
      {t(directoryPicker() ? 'web_roomOnly' : 'web_room', formatBytes(room.bytes))}
    </p>
  );
}

/**
 * Before Accept, where the browser has File System Access: save into a folder the person picks
 * (folders kept) instead of the downloads (folders flattened into names). Cancelling the
 * picker keeps the downloads.
 */
export function FolderChoice({ view }: { view: SessionView }) {
  const [chosen, setChosen] = useState(savingFolder);
  const picker = directoryPicker();
  const offered = view.transfer?.direction === 'receive' && view.transfer.state === 'offered';
  if (!picker || !offered) return null;
  const choose = async () => {
    try {
      const folder = await picker({ mode: 'readwrite', id: 'peerbeam-receive' });
      engine.downloads().useFolder(folder);
      setChosen(folder.name);
    } catch {
      // Cancelled, or refused: the files go to the downloads, as the line says.
    }
  };
  return (
    <div class="folder-choice">
      <p class="status" id="folder-chosen">
        {chosen ? t('web_savingInto', chosen) : t('web_savingToDownloads')}
      </p>
      <button type="button" class="secondary" id="choose-folder" onClick={() => void choose()}>
        {t(chosen ? 'web_changeFolder' : 'web_chooseFolder')}
      </button>
    </div>
  );
}
