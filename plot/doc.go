// Package plot draws MCMC and SVI diagnostics with gonum.org/v1/plot:
// trace plots, kernel density plots and rank plots of posterior draws, SVI
// loss curves, and grids of these in one image.
//
// Inputs are plain Go values, so the package works with any sampler: the
// draws of one scalar parameter are [][]float64 indexed chain, then draw;
// an SVI run is the []float64 of per-step losses. Each plot kind has a
// builder returning a *Figure (Trace, Density, Rank, Loss, Summary, Grid)
// and a shortcut writing PNG to an io.Writer (TracePlot, DensityPlot,
// RankPlot, LossPlot) or a file (SummaryPNG). A Figure writes PNG by
// default (WriteTo, SavePNG) and other formats by file extension (Save:
// png, jpg, tiff, svg, pdf).
//
// Panels are 6×4 inches at 96 dpi unless Options says otherwise; legends
// sit to the right of the data area so they never cover curves. Chains are
// coloured with matplotlib's tab10 palette, as ArviZ does.
//
// Bad input is an error, never a panic or a silently empty image: no
// chains, an empty chain, a NaN or infinite draw or loss, chains of unequal
// length for a rank plot, non-positive losses on a log axis.
//
// This is a program-layer package: it imports nothing from gyro's model
// layers and only cmd/ and examples/ import it.
package plot
