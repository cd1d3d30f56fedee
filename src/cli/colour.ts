/**
 * The CLI's colour, through picocolors: on when the stream is a terminal, off for pipes and files;
 * `NO_COLOR` (any non-empty value) turns it off and `FORCE_COLOR` (anything but 0/false) on, as
 * no-color.org and the Node ecosystem expect. Decided per stream: stderr may be a terminal while
 * stdout is piped.
 */
import pc from "picocolors";

type Colors = ReturnType<typeof pc.createColors>;

/** Whether output written to a stream with this TTY-ness should carry colour, given the environment. */
export function colourEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return isTTY === true && env.TERM !== "dumb";
}

/** The colour functions for a stream (plain identity functions when colour is off). */
export function coloursFor(stream: { isTTY?: boolean }): Colors {
  return pc.createColors(colourEnabled(stream.isTTY));
}

/** Colours the severity words of rendered diagnostics: `error[E…]` red, `warning[W…]` yellow, `help:` cyan. */
export function paintDiagnostics(text: string, c: Colors = coloursFor(process.stderr)): string {
  return text
    .replace(/: (error)(\[E\d+\])/g, (_, w: string, code: string) => `: ${c.bold(c.red(w + code))}`)
    .replace(/: (warning)(\[W\d+\])/g, (_, w: string, code: string) => `: ${c.bold(c.yellow(w + code))}`)
    .replace(/^( += help:)/gm, (m) => c.cyan(m));
}
