/** The serve state folder unless told otherwise: `.fgrun` in the folder fgrun serve runs in. It holds the
 * async journal (docs/server.md) and the console's saved test events (docs/console.md). */
export const DEFAULT_STATE_DIR = '.fgrun';
