"""CSS for the "Minimal" style: white space, thin rules, monochrome with one accent."""

from __future__ import annotations

CSS: str = """\
/* Slidegen style: Minimal. White canvas, generous whitespace, hairline rules,
   monochrome type with a single cobalt accent (plus a muted red for
   unfavourable KPI deltas only).
   Every rule is scoped to .slide; the canvas is 1280 x 720 px.
   --chart-* and --chart-text / --chart-grid are read by the chart renderer. */
.slide {
  --bg: #ffffff;
  --text: #161616;
  --muted: #6f6f6f;
  --faint: #a8a8a8;
  --rule: #e4e4e4;
  --fill: #f6f6f6;
  --accent: #2450d8;
  --positive: #2450d8;
  --negative: #b3261e;
  --chart-1: #2450d8;
  --chart-2: #161616;
  --chart-3: #7a7a7a;
  --chart-4: #b4b4b4;
  --chart-5: #8fa7ee;
  --chart-6: #d9d9d9;
  --chart-text: #161616;
  --chart-grid: #ececec;
  --font: "Helvetica Neue", "Inter", "Segoe UI", Arial, "Liberation Sans", sans-serif;
  position: relative;
  box-sizing: border-box;
  width: 1280px;
  height: 720px;
  overflow: hidden;
  padding: 80px 112px 100px;
  display: flex;
  flex-direction: column;
  gap: 28px;
  background: var(--bg);
  color: var(--text);
  font-family: var(--font);
  font-size: 21px;
  font-weight: 400;
  line-height: 1.5;
  text-align: left;
}
.slide *, .slide *::before, .slide *::after { box-sizing: border-box; }
.slide > * { margin: 0; min-width: 0; }

/* Typography */
.slide h1 {
  margin: 0;
  font-size: 36px;
  line-height: 1.2;
  font-weight: 500;
  letter-spacing: -0.015em;
  color: var(--text);
}
.slide h1 + .subtitle { margin-top: -18px; }
.slide .subtitle { margin: 0; font-size: 19px; color: var(--muted); }
.slide p { margin: 0; max-width: 880px; overflow-wrap: break-word; }
.slide strong { font-weight: 600; }
.slide em { font-style: italic; }
.slide a { color: var(--accent); text-decoration: none; border-bottom: 1px solid currentColor; }

/* Lists: dash markers for bullets, accent numerals for ordered lists */
.slide ul, .slide ol { margin: 0; padding-left: 1.4em; max-width: 920px; }
.slide ul { list-style: none; padding-left: 0; }
.slide ul > li { position: relative; padding-left: 1.4em; }
.slide ul > li::before {
  content: "";
  position: absolute;
  left: 0;
  top: 0.75em;
  width: 0.7em;
  height: 1px;
  background: var(--accent);
}
.slide ol > li::marker { color: var(--accent); font-weight: 500; font-variant-numeric: tabular-nums; }
.slide li { margin: 0 0 12px; overflow-wrap: break-word; }
.slide li:last-child { margin-bottom: 0; }
.slide li > ul, .slide li > ol { margin-top: 10px; font-size: 0.88em; color: var(--muted); }
.slide li > ul > li::before { background: var(--faint); }

/* Columns, separated by hairlines */
.slide .columns {
  display: grid;
  grid-auto-flow: column;
  grid-auto-columns: minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr);
  gap: 0;
  flex: 1 1 auto;
  min-height: 0;
}
.slide .column { min-width: 0; min-height: 0; display: flex; flex-direction: column; gap: 18px; padding: 0 28px; }
.slide .column:first-child { padding-left: 0; }
.slide .column:last-child { padding-right: 0; }
.slide .column + .column { border-left: 1px solid var(--rule); }
.slide .column > * { margin: 0; }

/* Cards: open boxes defined by a top rule */
.slide .card {
  border-top: 1px solid var(--text);
  padding: 18px 0 0;
  font-size: 18px;
  min-width: 0;
}
.slide .card > * + * { margin-top: 8px; }
.slide .card > p:first-child strong { font-weight: 600; }
.slide .card ul > li, .slide .card ol > li { margin-bottom: 6px; }

/* KPI row */
.slide .kpis { display: flex; gap: 48px; }
.slide .kpi {
  flex: 1 1 0;
  min-width: 0;
  display: flex;
  flex-direction: column;
  gap: 4px;
  padding-top: 18px;
  border-top: 1px solid var(--text);
}
.slide .kpi:first-child { border-top-color: var(--accent); }
.slide .kpi-value {
  font-size: 56px;
  line-height: 1.05;
  font-weight: 300;
  letter-spacing: -0.03em;
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.slide .kpi:first-child .kpi-value { color: var(--accent); }
.slide .kpi-label { font-size: 15px; color: var(--muted); }
.slide .kpi-delta { font-size: 15px; font-weight: 500; color: var(--muted); }
.slide .kpi-delta.up { color: var(--positive); }
.slide .kpi-delta.down { color: var(--negative); }

/* Tables: hairlines, a pale header fill and faint zebra rows */
.slide table {
  width: 100%;
  border-collapse: collapse;
  font-size: 17px;
  line-height: 1.35;
  font-variant-numeric: tabular-nums;
  border-top: 1px solid var(--text);
  border-bottom: 1px solid var(--text);
}
.slide thead th {
  background: var(--fill);
  color: var(--muted);
  font-size: 13px;
  font-weight: 500;
  text-transform: uppercase;
  letter-spacing: 0.08em;
  text-align: left;
  padding: 10px 14px;
  border-bottom: 1px solid var(--text);
}
.slide tbody td, .slide tbody th {
  padding: 9px 14px;
  text-align: left;
  font-weight: 400;
  border-bottom: 1px solid var(--rule);
}
.slide tbody tr:last-child td, .slide tbody tr:last-child th { border-bottom: 0; }
.slide tbody tr:nth-child(even) td, .slide tbody tr:nth-child(even) th { background: #fbfbfb; }
.slide th.num, .slide td.num { text-align: right; }

/* Quote */
.slide blockquote.quote {
  position: relative;
  margin: 0;
  padding: 0 0 0 64px;
  max-width: 960px;
  font-size: 34px;
  line-height: 1.35;
  font-weight: 300;
  letter-spacing: -0.01em;
}
.slide blockquote.quote::before {
  content: "\\201C";
  position: absolute;
  left: 0;
  top: -12px;
  font-size: 88px;
  line-height: 1;
  color: var(--accent);
}
.slide blockquote.quote cite {
  display: block;
  margin-top: 18px;
  font-size: 15px;
  font-style: normal;
  color: var(--muted);
  letter-spacing: 0.04em;
}

/* Charts and images */
.slide figure.chart {
  margin: 0;
  position: relative;
  flex: 1 1 0;
  min-height: 240px;
  width: 100%;
}
.slide figure.chart > svg, .slide figure.chart > img {
  display: block;
  width: 100%;
  height: 100%;
  object-fit: contain;
}
.slide img { display: block; max-width: 100%; max-height: 100%; object-fit: contain; }
.slide > img { max-height: 400px; align-self: flex-start; }

/* Footer and notes */
.slide footer.slide-footer {
  position: absolute;
  left: 112px;
  right: 112px;
  bottom: 36px;
  padding-top: 12px;
  border-top: 1px solid var(--rule);
  font-size: 12px;
  line-height: 1.3;
  letter-spacing: 0.03em;
  color: var(--muted); /* --faint is for rules and bullets: 2.4:1 fails AA */
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.slide aside.notes { display: none !important; }

/* Title slide: bottom-left composition with a short accent rule */
.slide.title-slide { justify-content: flex-end; padding: 96px 112px 140px; }
.slide.title-slide::before {
  content: "";
  position: absolute;
  left: 112px;
  top: 96px;
  width: 56px;
  height: 2px;
  background: var(--accent);
}
.slide.title-slide h1 { font-size: 60px; line-height: 1.08; font-weight: 400; letter-spacing: -0.03em; max-width: 980px; }
.slide.title-slide h1 + .subtitle { margin-top: -8px; }
.slide.title-slide .subtitle { font-size: 24px; max-width: 860px; }
.slide.title-slide p:not(.subtitle) { font-size: 15px; color: var(--muted); letter-spacing: 0.04em; }

/* Section slide */
.slide.section-slide { justify-content: center; padding: 96px 112px 120px; background: var(--fill); }
.slide.section-slide h1 { font-size: 52px; font-weight: 400; letter-spacing: -0.025em; }
.slide.section-slide h1::before {
  content: "";
  display: block;
  width: 56px;
  height: 2px;
  margin-bottom: 28px;
  background: var(--accent);
}
.slide.section-slide h1 + .subtitle { margin-top: -10px; }

/* Closing slide */
.slide.closing-slide { justify-content: center; }
.slide.closing-slide h1 { font-size: 46px; font-weight: 400; letter-spacing: -0.02em; }
.slide.closing-slide h1::after {
  content: "";
  display: block;
  width: 56px;
  height: 2px;
  margin-top: 24px;
  background: var(--accent);
}
.slide.closing-slide .columns { flex: 0 0 auto; }
"""
