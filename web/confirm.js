// The confirmation every operator action goes through: a modal that says what will happen and
// to which execution, with an optional note for review decisions.
/* global document */

/** Resolves to { note } when the operator confirms, or null when they cancel. */
export function confirmAction({ title, text, confirmLabel, withNote = false, tone = 'danger' }) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  const ok = document.getElementById('confirm-ok');
  ok.textContent = confirmLabel;
  ok.className = tone;
  const note = document.getElementById('confirm-note');
  note.value = '';
  document.getElementById('confirm-note-label').hidden = !withNote;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' ? { note: note.value.trim() || undefined } : null),
      { once: true },
    );
    dialog.showModal();
  });
}
