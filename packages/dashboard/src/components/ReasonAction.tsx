import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../ui';

/**
 * A button for an operator action the API audits with a reason (freeze, lock, reject): it opens a
 * small form asking for the reason, then runs `act`. The API's refusal is shown in place.
 */
export function ReasonAction({
  label,
  confirmLabel = label,
  act,
  danger = false,
}: {
  label: string;
  confirmLabel?: string;
  act: (reason: string) => Promise<void>;
  danger?: boolean;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await act(reason.trim());
      setOpen(false);
      setReason('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" className={danger ? 'button-danger' : 'button-secondary'} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  return (
    <form className="reason-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-reason`}>Reason for “{label.toLowerCase()}”</label>
      <input id={`${id}-reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      <div className="actions">
        <button type="submit" className={danger ? 'button-danger' : undefined} disabled={busy || !reason.trim()}>
          {confirmLabel}
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}
