/** Version history of a dashboard: who saved what when; restore saves an old one as new. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { listVersions, type VersionMeta } from '../../api/dashboards.js';

export function VersionsDialog({
  uid,
  current,
  readOnly,
  onRestore,
  onClose,
}: {
  uid: string;
  current: number;
  readOnly: boolean;
  onRestore(n: number): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [versions, setVersions] = useState<VersionMeta[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    dialog.current?.showModal();
    listVersions(uid).then(setVersions, (e: unknown) => setError(String(e)));
  }, [uid]);
  return (
    <dialog ref={dialog} class="editor" aria-label="Versions" onClose={onClose}>
      <h2>Versions</h2>
      {error && <p class="error">{error}</p>}
      {!versions && !error && <p class="muted">Loading…</p>}
      {versions && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Version</th>
                <th>Saved</th>
                <th>By</th>
                <th>Message</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>{new Date(v.time).toLocaleString()}</td>
                  <td>{v.author}</td>
                  <td>{v.message}</td>
                  <td>
                    {v.version === current ? (
                      <span class="muted">current</span>
                    ) : (
                      !readOnly && (
                        <button type="button" onClick={() => onRestore(v.version)}>
                          Restore
                        </button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="toolbar">
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
