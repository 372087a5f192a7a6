"""CSS for the "System Default" style: clean light corporate with a red-orange accent."""

from __future__ import annotations

CSS: str = """\
/* Slidegen style: System Default. Light corporate, navy text, red-orange accent bar.
   Every rule is scoped to .slide; the canvas is 1280 x 720 px.
   --chart-* and --chart-text / --chart-grid are read by the chart renderer. */
.slide {
  --bg: #ffffff;
  --surface: #f4f6fa;
  --surface-strong: #e8ecf4;
  --text: #14213d;
  --muted: #5a6785;
  --rule: #dbe1ec;
  --navy: #14213d;
  --accent: #ff4b1f;
  --accent-soft: #fff1ec;
  --positive: #17804f;
  --negative: #c62828;
  --chart-1: #14213d;
  --chart-2: #ff4b1f;
  --chart-3: #2f6fde;
  --chart-4: #f2a900;
  --chart-5: #2a9d8f;
  --chart-6: #8d99ae;
  --chart-text: #14213d;
  --chart-grid: #dbe1ec;
  --font: "Inter", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  position: relative;
  box-sizing: border-box;
  width: 1280px;
  height: 720px;
  overflow: hidden;
  padding: 56px 72px 84px 96px;
  display: flex;
  flex-direction: column;
  gap: 22px;
  background: var(--bg);
  color: var(--text);
  font-family: var(--font);
  font-size: 22px;
  line-height: 1.4;
  text-align: left;
}
.slide *, .slide *::before, .slide *::after { box-sizing: border-box; }
.slide::before {
  content: "";
  position: absolute;
  left: 0;
  top: 0;
  bottom: 0;
  width: 14px;
  background: var(--accent);
}
.slide > * { margin: 0; min-width: 0; }

/* Typography */
.slide h1 {
  margin: 0;
  font-size: 40px;
  line-height: 1.15;
  font-weight: 700;
  letter-spacing: -0.01em;
  color: var(--navy);
}
.slide h1 + .subtitle { margin-top: -10px; }
.slide .subtitle { margin: 0; font-size: 22px; line-height: 1.35; color: var(--muted); }
.slide p { margin: 0; overflow-wrap: break-word; }
.slide strong { font-weight: 700; color: var(--navy); }
.slide em { font-style: italic; }
.slide a { color: var(--accent); text-decoration: none; }

/* Lists */
.slide ul, .slide ol { margin: 0; padding-left: 1.3em; }
.slide li { margin: 0 0 10px; padding-left: 4px; overflow-wrap: break-word; }
.slide li:last-child { margin-bottom: 0; }
.slide ul > li::marker { color: var(--accent); }
.slide ol > li::marker { color: var(--accent); font-weight: 700; }
.slide li > ul, .slide li > ol { margin-top: 8px; font-size: 0.86em; color: var(--muted); }
.slide li > ul > li::marker { color: var(--muted); }

/* Columns */
.slide .columns {
  display: grid;
  grid-auto-flow: column;
  grid-auto-columns: minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr);
  gap: 36px;
  flex: 1 1 auto;
  min-height: 0;
}
.slide .column { min-width: 0; min-height: 0; display: flex; flex-direction: column; gap: 16px; }
.slide .column > * { margin: 0; }

/* Cards */
.slide .card {
  background: var(--surface);
  border-top: 4px solid var(--accent);
  border-radius: 8px;
  padding: 20px 24px;
  font-size: 19px;
  min-width: 0;
}
.slide .card > * + * { margin-top: 10px; }
.slide .card ul, .slide .card ol { padding-left: 1.1em; }
.slide .card li { margin-bottom: 6px; }

/* KPI row */
.slide .kpis { display: flex; gap: 24px; }
.slide .kpi {
  flex: 1 1 0;
  min-width: 0;
  display: flex;
  flex-direction: column;
  gap: 6px;
  padding: 20px 24px;
  background: var(--surface);
  border-left: 6px solid var(--navy);
  border-radius: 6px;
}
.slide .kpi:first-child { border-left-color: var(--accent); }
.slide .kpi-value {
  font-size: 46px;
  line-height: 1.05;
  font-weight: 800;
  letter-spacing: -0.02em;
  color: var(--navy);
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.slide .kpi-label {
  font-size: 15px;
  font-weight: 600;
  text-transform: uppercase;
  letter-spacing: 0.06em;
  color: var(--muted);
}
.slide .kpi-delta { font-size: 17px; font-weight: 700; color: var(--muted); }
.slide .kpi-delta.up { color: var(--positive); }
.slide .kpi-delta.down { color: var(--negative); }

/* Tables */
.slide table {
  width: 100%;
  border-collapse: collapse;
  font-size: 18px;
  line-height: 1.3;
  font-variant-numeric: tabular-nums;
}
.slide thead th {
  background: var(--navy);
  color: #ffffff;
  font-weight: 600;
  text-align: left;
  padding: 11px 14px;
}
.slide tbody td, .slide tbody th {
  padding: 9px 14px;
  text-align: left;
  font-weight: 400;
  border-bottom: 1px solid var(--rule);
}
.slide tbody tr:nth-child(even) td, .slide tbody tr:nth-child(even) th { background: var(--surface); }
.slide th.num, .slide td.num { text-align: right; }

/* Quote */
.slide blockquote.quote {
  margin: 0;
  padding: 10px 0 10px 32px;
  border-left: 6px solid var(--accent);
  font-size: 30px;
  line-height: 1.35;
  font-weight: 500;
  color: var(--navy);
}
.slide blockquote.quote cite {
  display: block;
  margin-top: 14px;
  font-size: 18px;
  font-style: normal;
  font-weight: 600;
  color: var(--muted);
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
.slide img { display: block; max-width: 100%; max-height: 100%; object-fit: contain; border-radius: 6px; }
.slide > img { max-height: 440px; align-self: center; }

/* Footer and notes */
.slide footer.slide-footer {
  position: absolute;
  left: 96px;
  right: 72px;
  bottom: 26px;
  padding-top: 10px;
  border-top: 1px solid var(--rule);
  font-size: 13px;
  line-height: 1.3;
  color: var(--muted);
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.slide aside.notes { display: none !important; }

/* Title slide */
.slide.title-slide {
  justify-content: center;
  padding: 80px 160px 110px 140px;
  background: linear-gradient(180deg, #ffffff 0%, #f4f6fa 100%);
}
.slide.title-slide::before { width: 40px; }
.slide.title-slide h1 { font-size: 62px; line-height: 1.08; letter-spacing: -0.02em; max-width: 960px; }
.slide.title-slide h1::after {
  content: "";
  display: block;
  width: 96px;
  height: 6px;
  margin-top: 28px;
  background: var(--accent);
}
.slide.title-slide h1 + .subtitle { margin-top: 4px; }
.slide.title-slide .subtitle { font-size: 28px; color: var(--muted); max-width: 900px; }
.slide.title-slide p:not(.subtitle) { font-size: 18px; color: var(--muted); }

/* Section slide */
.slide.section-slide {
  justify-content: center;
  padding: 80px 160px 110px 140px;
  background: var(--navy);
  color: #ffffff;
}
.slide.section-slide::before { width: 40px; }
.slide.section-slide h1 { font-size: 54px; color: #ffffff; }
.slide.section-slide .subtitle, .slide.section-slide p { color: #c3cbe0; }
.slide.section-slide footer.slide-footer { color: #9aa6c4; border-top-color: rgba(255, 255, 255, 0.18); left: 140px; }

/* Closing slide */
.slide.closing-slide { justify-content: center; align-items: center; text-align: center; background: var(--surface); }
.slide.closing-slide h1 { font-size: 48px; }
.slide.closing-slide h1::after {
  content: "";
  display: block;
  width: 80px;
  height: 6px;
  margin: 22px auto 0;
  background: var(--accent);
}
.slide.closing-slide ul, .slide.closing-slide ol { text-align: left; }
.slide.closing-slide .columns { width: 100%; flex: 0 0 auto; text-align: left; }
"""
