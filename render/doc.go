// Package render turns report results into what people and programs read:
// text for terminals, CSV and JSON for programs, Vega-Lite specs for web
// UIs, and SVG drawings and one self-contained HTML page where a person
// looks, every data point linked to the conversations behind it.
//
// Every renderer takes plain data: a [Dashboard] (a name, the query's range
// and zone, the [convreport.Result] values of one run in order) or a single
// Result. Each Result is shaped for display by [NewChartSpec],
// so all renderers agree on the chart type, the axes, the series and the
// labels.
//
//   - [Text] writes aligned tables with bar and sparkline charts, humanised
//     values ("5m 12s", "12,345", "82.5 %") and the engine's folded point
//     as "Other (N more)".
//   - [CSV] writes one row per point; [JSON] writes the result JSON (a
//     contract for tools outside Go, defined in the repository's
//     docs/semantics.md), which [ParseJSON] reads back
//     into [JSONDashboard].
//   - [VegaLite] and [VegaLiteDashboard] write Vega-Lite v5 specs with the
//     data inline.
//   - [SVG] draws one chart, [SVGDashboard] every report of a dashboard in
//     one document; [HTML] writes a page of cards, one per report,
//     with its chart and table, needing no network.
//
// # Drill-down links
//
// In SVG and HTML every data point is a link. [PointRef] names the point
// (its report's and its own index, and the Point); the DrillURL hook of
// [SVGOptions] and [HTMLOptions] turns it into an address, by default the
// in-page anchor of [DefaultDrillURL]. Given a Drill hook, the HTML page
// lists each point's conversations in the section that anchor names;
// [NewDrillTable] builds that list from [convreport.Engine.DrillDown].
//
// # Safety and determinism
//
// Labels come from user data. Every renderer escapes them for its format
// (html/template for HTML); the ones meant for display (text, SVG, HTML,
// Vega-Lite) also replace the control characters a terminal, XML or HTML
// would act on; CSV neutralises cells a spreadsheet would run as a formula
// or act on (see [CSVCell]), keeping numbers as they are, while JSON keeps
// the data exact. Links keep only
// relative, http, https and mailto addresses. The same input always gives
// the same bytes, so outputs can be compared with golden files. A Result
// holding one group twice (the engine never returns one) is refused by
// every renderer with an error naming the report, the points and the
// group, rather than drawn as one point.
package render
