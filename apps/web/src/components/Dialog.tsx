import { createEffect, createUniqueId, onCleanup, type JSX } from "solid-js";

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it, and focus returns to where it was.
 */
export function Dialog(props: { open: boolean; onClose(): void; title: string; class?: string; children: JSX.Element }) {
  let dialog!: HTMLDialogElement;
  const titleId = createUniqueId();
  createEffect(() => {
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });
  onCleanup(() => dialog?.open && dialog.close());
  return (
    <dialog
      ref={dialog}
      class={`dialog ${props.class ?? ""}`}
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === dialog) props.onClose();
      }}
    >
      <div class="dialog-body">
        <div class="dialog-head">
          <h2 id={titleId} class="dialog-title">
            {props.title}
          </h2>
          <button type="button" class="button ghost small" aria-label="Close" onClick={() => props.onClose()}>
            ✕
          </button>
        </div>
        {props.open ? props.children : null}
      </div>
    </dialog>
  );
}
