/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped by the browser, Escape and the close
 * button close it, and the page behind is inert while it is open.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ title, open, onClose, children, className }: { title: string; open: boolean; onClose: () => void; children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={title}
      onClose={onClose}
      // A click on the backdrop (the dialog element itself, outside its content) closes it.
      onClick={(e) => e.target === e.currentTarget && onClose()}
    >
      {open && (
        <div className="dialog-content">
          <div className="dialog-head">
            <h2>{title}</h2>
            <span className="spacer" />
            <button className="small" onClick={onClose} aria-label={`Close ${title.toLowerCase()}`}>
              Close
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}
