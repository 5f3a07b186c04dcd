/**
 * Every screen's keyboard shortcuts, in one place: the help dialog shows these tables, so a key a component
 * handles is added here too. Each table is `keys | action` rows, one a line; a line without ` | ` continues the
 * action above it.
 */

/** One row of the help dialog. */
export interface Shortcut {
  keys: string;
  action: string;
}

function rows(table: string): Shortcut[] {
  const out: Shortcut[] = [];
  for (const line of table.trim().split('\n')) {
    const [keys, action] = line.split(' | ');
    if (action === undefined) out[out.length - 1]!.action += ` ${line.trim()}`;
    else out.push({ keys: keys!.trim(), action: action.trim() });
  }
  return out;
}

const LIBRARY_SHORTCUTS = rows(`
  Arrows, Page Up/Down, Home/End | Move in the grid
  Click, Ctrl/⌘-click, Shift-click | Select, add to selection, select a range
  Space | Toggle the focused photo
  Ctrl/⌘ + A | Select all loaded photos
  Enter, double-click | Open the photo
  Delete | Remove the selected photos from the library (asks first)
  Ctrl/⌘ + O, Ctrl/⌘ + Shift + O | Import photos, a folder (desktop app)
  Ctrl/⌘ + , | Settings (desktop app)
  ?, F1 | This help (F1: desktop app on Windows and Linux)
`);

const PHOTO_SHORTCUTS = rows(`
  ←  → | Previous / next photo
  \\ (hold) | See the original while held (a restored photo shows its current version)
  +  −  0  1 | Zoom in, out, fit, actual pixels
  Drag, wheel | Pan, zoom at the pointer
  [  ] | Turn a quarter left / right (before restoring)
  C | Crop and straighten (before restoring); in the crop tool: arrows move, Alt + arrows resize (Shift: 10 px),
      Enter applies, Esc cancels
  Esc | Back (to the original, then to the library)
`);

const COMPARE_SHORTCUTS = rows(`
  \\ | Switch slider / side by side
  ←  →  (Shift: bigger steps) | Move the slider (when focused)
  Drag, Wheel, +  - | Pan and zoom (both images together)
  0 | Fit to window
  1 | Actual pixels (1:1)
`);

const MASK_EDITOR_SHORTCUTS = rows(`
  B | Brush (paint defects)
  E | Eraser
  [  ] | Smaller / larger brush
  Ctrl+Z | Undo
  Ctrl+Shift+Z, Ctrl+Y | Redo
  Space + drag, middle drag | Pan
  Wheel, +  - | Zoom
  0 | Fit to window
  1 | Actual pixels (1:1)
  Esc | Cancel the stroke being painted
`);

/** The help dialog's sections, in the order the screens are met. */
export const SHORTCUT_SECTIONS: { title: string; items: Shortcut[] }[] = [
  { title: 'Library', items: LIBRARY_SHORTCUTS },
  { title: 'Photo', items: PHOTO_SHORTCUTS },
  { title: 'Compare', items: COMPARE_SHORTCUTS },
  { title: 'Mask editor', items: MASK_EDITOR_SHORTCUTS }
];
