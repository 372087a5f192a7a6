"""CSS for the "Data Dense" style: compact, analyst-oriented layout with small type."""

from __future__ import annotations

CSS: str = """\
/* Slidegen style: Data Dense. Compact slate-and-blue layout for analysts:
   smaller type, tight tables, tabular figures, a header rule and a thin top band.
   Every rule is scoped to .slide; the canvas is 1280 x 720 px.
   --chart-* and --chart-text / --chart-grid are read by the chart renderer. */
.slide {
  --bg: #ffffff;
  --surface: #f5f7fa;
  --surface-strong: #e9edf3;
  --text: #1e293b;
  --muted: #5b6b80; /* 4.6:1 on the strongest surface (AA) */
  --rule: #dfe4ec;
  --header: #0f172a;
  --accent: #2563eb;
  --accent-soft: #eaf1ff;
  --positive: #15803d;
  --negative: #b91c1c;
  --chart-1: #2563eb;
  --chart-2: #f97316;
  --chart-3: #10b981;
  --chart-4: #8b5cf6;
  --chart-5: #e11d48;
  --chart-6: #64748b;
  --chart-text: #334155;
  --chart-grid: #e2e8f0;
  --font: "Inter", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  --mono: "SFMono-Regular", Consolas, "Liberation Mono", Menlo, monospace;
  position: relative;
  box-sizing: border-box;
  width: 1280px;
  height: 720px;
  overflow: hidden;
  padding: 36px 48px 56px;
  display: flex;
  flex-direction: column;
  gap: 16px;
  background: var(--bg);
  color: var(--text);
  font-family: var(--font);
  font-size: 17px;
  line-height: 1.4;
  text-align: left;
}
.slide *, .slide *::before, .slide *::after { box-sizing: border-box; }
.slide::before {
  content: "";
  position: absolute;
  left: 0;
  right: 0;
  top: 0;
  height: 6px;
  background: linear-gradient(90deg, var(--accent) 0 25%, var(--header) 25% 100%);
}
.slide > * { margin: 0; min-width: 0; }

/* Typography */
.slide h1 {
  margin: 0;
  padding-bottom: 12px;
  border-bottom: 2px solid var(--header);
  font-size: 28px;
  line-height: 1.2;
  font-weight: 700;
  letter-spacing: -0.01em;
  color: var(--header);
}
.slide h1 + .subtitle { margin-top: -8px; }
.slide .subtitle { margin: 0; font-size: 16px; color: var(--muted); }
.slide p { margin: 0; overflow-wrap: break-word; }
.slide strong { font-weight: 700; color: var(--header); }
.slide em { font-style: italic; }
.slide a { color: var(--accent); text-decoration: none; }

/* Lists */
.slide ul, .slide ol { margin: 0; padding-left: 1.25em; }
.slide li { margin: 0 0 6px; padding-left: 2px; overflow-wrap: break-word; }
.slide li:last-child { margin-bottom: 0; }
.slide ul > li::marker { color: var(--accent); }
.slide ol > li::marker { color: var(--accent); font-weight: 700; font-variant-numeric: tabular-nums; }
.slide li > ul, .slide li > ol { margin-top: 4px; font-size: 0.9em; color: var(--muted); }

/* Columns */
.slide .columns {
  display: grid;
  grid-auto-flow: column;
  grid-auto-columns: minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr);
  gap: 20px;
  flex: 1 1 auto;
  min-height: 0;
}
.slide .column { min-width: 0; min-height: 0; display: flex; flex-direction: column; gap: 12px; }
.slide .column > * { margin: 0; }

/* Cards */
.slide .card {
  border: 1px solid var(--rule);
  border-radius: 6px;
  padding: 12px 14px;
  background: var(--bg);
  font-size: 15px;
  min-width: 0;
}
.slide .card > p:first-child {
  margin: -12px -14px 8px;
  padding: 7px 14px;
  background: var(--surface);
  border-bottom: 1px solid var(--rule);
  border-radius: 6px 6px 0 0;
  font-size: 13px;
  text-transform: uppercase;
  letter-spacing: 0.05em;
}
.slide .card > * + * { margin-top: 6px; }
.slide .card li { margin-bottom: 3px; }

/* KPI row: compact tiles, up to 6 fit */
.slide .kpis { display: flex; gap: 12px; }
.slide .kpi {
  flex: 1 1 0;
  min-width: 0;
  display: flex;
  flex-direction: column;
  gap: 2px;
  padding: 12px 14px;
  background: var(--surface);
  border: 1px solid var(--rule);
  border-top: 3px solid var(--accent);
  border-radius: 4px;
}
.slide .kpi-value {
  order: 2;
  font-size: 30px;
  line-height: 1.1;
  font-weight: 700;
  color: var(--header);
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.slide .kpi-label {
  order: 1;
  font-size: 12px;
  font-weight: 600;
  text-transform: uppercase;
  letter-spacing: 0.06em;
  color: var(--muted);
}
.slide .kpi-delta {
  order: 3;
  font-family: var(--mono);
  font-size: 13px;
  font-weight: 600;
  color: var(--muted);
}
.slide .kpi-delta.up { color: var(--positive); }
.slide .kpi-delta.down { color: var(--negative); }

/* Tables: tight rows, tabular figures */
.slide table {
  width: 100%;
  border-collapse: collapse;
  font-size: 14px;
  line-height: 1.3;
  font-variant-numeric: tabular-nums;
}
.slide thead th {
  background: var(--header);
  color: #ffffff;
  font-size: 12px;
  font-weight: 600;
  text-transform: uppercase;
  letter-spacing: 0.05em;
  text-align: left;
  padding: 7px 10px;
  white-space: nowrap;
}
.slide tbody td, .slide tbody th {
  padding: 5px 10px;
  text-align: left;
  font-weight: 400;
  border-bottom: 1px solid var(--rule);
}
.slide tbody tr:nth-child(even) td, .slide tbody tr:nth-child(even) th { background: var(--surface); }
.slide th.num, .slide td.num { text-align: right; font-family: var(--mono); font-size: 13px; }
.slide thead th.num { font-family: var(--font); font-size: 12px; }

/* Quote */
.slide blockquote.quote {
  margin: 0;
  padding: 14px 18px;
  border-left: 4px solid var(--accent);
  background: var(--accent-soft);
  font-size: 20px;
  line-height: 1.4;
  color: var(--header);
}
.slide blockquote.quote cite {
  display: block;
  margin-top: 8px;
  font-size: 13px;
  font-style: normal;
  color: var(--muted);
}

/* Charts and images */
.slide figure.chart {
  margin: 0;
  position: relative;
  flex: 1 1 0;
  min-height: 200px;
  width: 100%;
}
.slide figure.chart > svg, .slide figure.chart > img {
  display: block;
  width: 100%;
  height: 100%;
  object-fit: contain;
}
.slide .card figure.chart { min-height: 180px; }
.slide img { display: block; max-width: 100%; max-height: 100%; object-fit: contain; border: 1px solid var(--rule); }
.slide > img { max-height: 480px; align-self: flex-start; }

/* Footer and notes */
.slide footer.slide-footer {
  position: absolute;
  left: 48px;
  right: 48px;
  bottom: 18px;
  padding-top: 6px;
  border-top: 1px solid var(--rule);
  font-family: var(--mono);
  font-size: 12px;
  line-height: 1.3;
  color: var(--muted);
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.slide aside.notes { display: none !important; }

/* Title slide: dark slate panel with a blue rule */
.slide.title-slide {
  justify-content: center;
  padding: 72px 96px 96px;
  background: var(--header);
  color: #e2e8f0;
}
.slide.title-slide::before { height: 10px; background: var(--accent); }
.slide.title-slide h1 {
  padding-bottom: 20px;
  border-bottom: 3px solid var(--accent);
  font-size: 48px;
  line-height: 1.1;
  color: #ffffff;
  max-width: 1000px;
}
.slide.title-slide h1 + .subtitle { margin-top: 0; }
.slide.title-slide .subtitle { font-size: 22px; color: #cbd5e1; }
.slide.title-slide p:not(.subtitle) { font-family: var(--mono); font-size: 14px; color: #94a3b8; }
.slide.title-slide footer.slide-footer { color: #94a3b8; border-top-color: rgba(255, 255, 255, 0.16); }

/* Section slide */
.slide.section-slide { justify-content: center; padding: 72px 96px 96px; background: var(--surface); }
.slide.section-slide h1 { font-size: 40px; border-bottom-color: var(--accent); border-bottom-width: 3px; }
.slide.section-slide .subtitle { font-size: 18px; }

/* Closing slide */
.slide.closing-slide { justify-content: center; padding: 56px 96px 80px; }
.slide.closing-slide h1 { font-size: 34px; }
.slide.closing-slide .columns { flex: 0 0 auto; }
"""
