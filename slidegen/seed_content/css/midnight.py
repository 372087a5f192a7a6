"""CSS for the "Midnight" style: dark background, light text, teal and violet accents."""

from __future__ import annotations

CSS: str = """\
/* Slidegen style: Midnight. Deep navy-black canvas, light text, teal and violet accents.
   Every rule is scoped to .slide; the canvas is 1280 x 720 px.
   --chart-* and --chart-text / --chart-grid are read by the chart renderer. */
.slide {
  --bg: #0b1020;
  --surface: rgba(255, 255, 255, 0.05);
  --surface-strong: rgba(255, 255, 255, 0.09);
  --border: rgba(255, 255, 255, 0.12);
  --text: #e6e9f2;
  --muted: #9aa3ba;
  --heading: #ffffff;
  --teal: #2dd4bf;
  --violet: #a78bfa;
  --accent: #2dd4bf;
  --accent-2: #a78bfa;
  --positive: #34d399;
  --negative: #fb7185;
  --chart-1: #2dd4bf;
  --chart-2: #a78bfa;
  --chart-3: #60a5fa;
  --chart-4: #fbbf24;
  --chart-5: #f472b6;
  --chart-6: #94a3b8;
  --chart-text: #cfd5e4;
  --chart-grid: rgba(255, 255, 255, 0.12);
  --font: "Inter", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  position: relative;
  box-sizing: border-box;
  width: 1280px;
  height: 720px;
  overflow: hidden;
  padding: 60px 80px 88px;
  display: flex;
  flex-direction: column;
  gap: 24px;
  color: var(--text);
  background-color: var(--bg);
  background-image:
    radial-gradient(ellipse 60% 55% at 100% 0%, rgba(167, 139, 250, 0.20), transparent 70%),
    radial-gradient(ellipse 50% 45% at 0% 100%, rgba(45, 212, 191, 0.12), transparent 70%);
  font-family: var(--font);
  font-size: 22px;
  line-height: 1.45;
  text-align: left;
}
.slide *, .slide *::before, .slide *::after { box-sizing: border-box; }
.slide > * { margin: 0; min-width: 0; }

/* Typography */
.slide h1 {
  margin: 0;
  font-size: 40px;
  line-height: 1.15;
  font-weight: 700;
  letter-spacing: -0.015em;
  color: var(--heading);
}
.slide h1::after {
  content: "";
  display: block;
  width: 72px;
  height: 4px;
  margin-top: 16px;
  border-radius: 2px;
  background: linear-gradient(90deg, var(--teal), var(--violet));
}
.slide h1 + .subtitle { margin-top: -8px; }
.slide .subtitle { margin: 0; font-size: 21px; color: var(--muted); }
.slide p { margin: 0; overflow-wrap: break-word; }
.slide strong { font-weight: 700; color: var(--teal); }
.slide em { font-style: italic; color: var(--violet); }
.slide a { color: var(--teal); text-decoration: none; }

/* Lists */
.slide ul, .slide ol { margin: 0; padding-left: 1.3em; }
.slide li { margin: 0 0 12px; padding-left: 6px; overflow-wrap: break-word; }
.slide li:last-child { margin-bottom: 0; }
.slide ul > li::marker { color: var(--teal); }
.slide ol > li::marker { color: var(--violet); font-weight: 700; }
.slide li > ul, .slide li > ol { margin-top: 8px; font-size: 0.86em; color: var(--muted); }
.slide li > ul > li::marker { color: var(--violet); }

/* Columns */
.slide .columns {
  display: grid;
  grid-auto-flow: column;
  grid-auto-columns: minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr);
  gap: 32px;
  flex: 1 1 auto;
  min-height: 0;
}
.slide .column { min-width: 0; min-height: 0; display: flex; flex-direction: column; gap: 16px; }
.slide .column > * { margin: 0; }

/* Cards */
.slide .card {
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 14px;
  padding: 22px 24px;
  font-size: 19px;
  box-shadow: inset 0 3px 0 var(--violet);
  min-width: 0;
}
.slide .column:nth-child(odd) .card, .slide .card:nth-child(odd) { box-shadow: inset 0 3px 0 var(--teal); }
.slide .card > * + * { margin-top: 10px; }
.slide .card strong { color: var(--heading); }
.slide .card ul, .slide .card ol { padding-left: 1.1em; }
.slide .card li { margin-bottom: 6px; }

/* KPI row */
.slide .kpis { display: flex; gap: 20px; }
.slide .kpi {
  flex: 1 1 0;
  min-width: 0;
  display: flex;
  flex-direction: column;
  gap: 6px;
  padding: 22px 24px;
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 14px;
}
.slide .kpi-value {
  font-size: 48px;
  line-height: 1.05;
  font-weight: 700;
  letter-spacing: -0.02em;
  color: var(--teal);
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.slide .kpi:nth-child(even) .kpi-value { color: var(--violet); }
.slide .kpi-label { font-size: 16px; color: var(--muted); letter-spacing: 0.02em; }
.slide .kpi-delta {
  align-self: flex-start;
  margin-top: 4px;
  padding: 2px 10px;
  border-radius: 999px;
  font-size: 15px;
  font-weight: 700;
  color: var(--text);
  background: var(--surface-strong);
}
.slide .kpi-delta.up { color: var(--positive); background: rgba(52, 211, 153, 0.14); }
.slide .kpi-delta.down { color: var(--negative); background: rgba(251, 113, 133, 0.14); }

/* Tables */
.slide table {
  width: 100%;
  border-collapse: separate;
  border-spacing: 0;
  font-size: 18px;
  line-height: 1.3;
  font-variant-numeric: tabular-nums;
  border: 1px solid var(--border);
  border-radius: 12px;
  overflow: hidden;
}
.slide thead th {
  background: rgba(45, 212, 191, 0.16);
  color: var(--teal);
  font-weight: 700;
  font-size: 15px;
  text-transform: uppercase;
  letter-spacing: 0.06em;
  text-align: left;
  padding: 12px 16px;
  border-bottom: 1px solid var(--border);
}
.slide tbody td, .slide tbody th { padding: 10px 16px; text-align: left; font-weight: 400; color: var(--text); }
.slide tbody tr:nth-child(even) td, .slide tbody tr:nth-child(even) th { background: rgba(255, 255, 255, 0.04); }
.slide th.num, .slide td.num { text-align: right; }

/* Quote */
.slide blockquote.quote {
  margin: 0;
  padding: 26px 32px 26px 36px;
  border-left: 4px solid var(--violet);
  border-radius: 0 14px 14px 0;
  background: linear-gradient(90deg, rgba(167, 139, 250, 0.14), rgba(167, 139, 250, 0));
  font-size: 30px;
  line-height: 1.4;
  font-weight: 500;
  color: var(--heading);
}
.slide blockquote.quote cite {
  display: block;
  margin-top: 14px;
  font-size: 18px;
  font-style: normal;
  color: var(--teal);
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
.slide img {
  display: block;
  max-width: 100%;
  max-height: 100%;
  object-fit: contain;
  border-radius: 12px;
  border: 1px solid var(--border);
}
.slide > img { max-height: 430px; align-self: center; }

/* Footer and notes */
.slide footer.slide-footer {
  position: absolute;
  left: 80px;
  right: 80px;
  bottom: 28px;
  font-size: 13px;
  line-height: 1.3;
  color: var(--muted);
  letter-spacing: 0.02em;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.slide aside.notes { display: none !important; }

/* Title slide */
.slide.title-slide {
  justify-content: center;
  padding: 80px 140px 120px;
  background-image:
    radial-gradient(ellipse 70% 70% at 100% 0%, rgba(167, 139, 250, 0.34), transparent 70%),
    radial-gradient(ellipse 60% 60% at 0% 100%, rgba(45, 212, 191, 0.24), transparent 70%);
}
.slide.title-slide h1 { font-size: 64px; line-height: 1.06; letter-spacing: -0.025em; max-width: 980px; }
.slide.title-slide h1::after { width: 120px; height: 6px; margin-top: 30px; border-radius: 3px; }
.slide.title-slide h1 + .subtitle { margin-top: 2px; }
.slide.title-slide .subtitle { font-size: 28px; color: var(--text); max-width: 900px; }
.slide.title-slide p:not(.subtitle) { font-size: 18px; color: var(--muted); }

/* Section slide */
.slide.section-slide {
  justify-content: center;
  padding: 80px 140px 120px;
  background-image:
    linear-gradient(120deg, rgba(45, 212, 191, 0.18) 0%, rgba(11, 16, 32, 0) 45%),
    radial-gradient(ellipse 60% 80% at 100% 50%, rgba(167, 139, 250, 0.26), transparent 70%);
}
.slide.section-slide h1 { font-size: 56px; }
.slide.section-slide .subtitle { font-size: 24px; }

/* Closing slide */
.slide.closing-slide { justify-content: center; align-items: center; text-align: center; }
.slide.closing-slide h1 { font-size: 50px; }
.slide.closing-slide h1::after { margin: 22px auto 0; width: 96px; }
.slide.closing-slide ul, .slide.closing-slide ol { text-align: left; }
.slide.closing-slide .columns { width: 100%; flex: 0 0 auto; text-align: left; }
"""
