// Text that certctl did not write itself (a server's message, a certificate's subject) must not
// drive the terminal: an ESC, CSI or OSC sequence could rewrite the screen, retitle the window or
// hide a line, and C1 controls (U+009B is a one-character CSI) do the same on many terminals.
// Each such character is shown as a visible escape instead ("\x1b[2J" stays readable and inert).

/**
 * C0 controls except tab and newline, DEL, C1 controls, the Unicode line/paragraph separators and
 * the bidirectional overrides and isolates (which can make a line read differently than it is).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character replaced by \xNN (or \u{NNNN} above U+00FF). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

/** For single-line fields (a subject, a SAN, one line of a message): newlines are escaped too. */
export function escapeControlsOneLine(text: string): string {
  return escapeControls(text).replace(/\n/g, "\\n").replace(/\t/g, "\\t");
}
