// traveller --bench-scale RUNS: the window with a class's library, timed.
#pragma once

// Builds a temporary library of `runs` runs with `epochs` recorded epochs each,
// opens the Runs tab, filters, selects, overlays 64 x 1,000 epochs; prints
// JSON lines with the GUI-thread time of each step. Returns the exit status.
int runScaleBench(int runs, int epochs);
