/** The compare view's keyboard shortcuts, for the app's help overlay. */
export const COMPARE_SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: '\\', action: 'Switch slider / side by side' },
  { keys: '←  →  (Shift: bigger steps)', action: 'Move the slider (when focused)' },
  { keys: 'Drag, Wheel, +  -', action: 'Pan and zoom (both images together)' },
  { keys: '0', action: 'Fit to window' },
  { keys: '1', action: 'Actual pixels (1:1)' }
];
