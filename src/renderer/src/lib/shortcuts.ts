/** The mask editor's keyboard shortcuts, for the app's help overlay. */
export const MASK_EDITOR_SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: 'B', action: 'Brush (paint defects)' },
  { keys: 'E', action: 'Eraser' },
  { keys: '[  ]', action: 'Smaller / larger brush' },
  { keys: 'Ctrl+Z', action: 'Undo' },
  { keys: 'Ctrl+Shift+Z, Ctrl+Y', action: 'Redo' },
  { keys: 'Space + drag, middle drag', action: 'Pan' },
  { keys: 'Wheel, +  -', action: 'Zoom' },
  { keys: '0', action: 'Fit to window' },
  { keys: '1', action: 'Actual pixels (1:1)' },
  { keys: 'Esc', action: 'Cancel the stroke being painted' }
];
