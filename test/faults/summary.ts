/** The figures a fault file reports; scripts/run-faults.mjs adds them up into one summary line. */
export interface FaultFigures {
  kills?: number;
  trials?: number;
  lost?: number;
  duplicates?: number;
  inputs?: number;
  crashes?: number;
}

/** Prints one machine-read line of figures (stdout, prefixed so the runner finds it). */
export function report(figures: FaultFigures): void {
  console.log(`FAULTS ${JSON.stringify(figures)}`);
}
