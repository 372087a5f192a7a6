"""The offline engine's deck for the export corpus, as it wrote it before issue 20.

Frozen here so the export tests keep a fixed input while the engine evolves.
"""

OFFLINE_DECK_HTML = (
    "<title>Q3 platform consumption review</title>"
    "\n"
    '<section class="slide title-slide"><h1>Q3 platform consumption review</h1><p cla'
    'ss="subtitle">Prepared with the Slidegen offline demo engine</p><aside class="no'
    'tes">Built without an LLM: content is a structured draft.</aside></section>'
    "\n"
    '<section class="slide"><h1>Agenda</h1><ol><li>Q3 platform consumption review</li'
    "><li>Cost drivers</li><li>Serverless adoption</li><li>Budget risks</li><li>Mitig"
    "ations</li></ol></section>"
    "\n"
    '<section class="slide"><h1>Consumption at a glance</h1><div class="kpis"><div cl'
    'ass="kpi"><span class="kpi-value">$820K</span><span class="kpi-label">Cost, 2025'
    '-04 to 2025-09</span></div><div class="kpi"><span class="kpi-value">2.79M</span>'
    '<span class="kpi-label">DBUs consumed</span></div><div class="kpi"><span class="'
    'kpi-value">-1.0%</span><span class="kpi-label">Cost change in 2025-09</span><spa'
    'n class="kpi-delta up">falling cost</span></div><div class="kpi"><span class="kp'
    'i-value">38%</span><span class="kpi-label">Share of cost: SQL Serverless</span><'
    '/div></div><footer class="slide-footer">Source: sample workspace consumption dat'
    "a</footer></section>"
    "\n"
    '<section class="slide"><h1>Monthly cost trend</h1><figure class="chart" data-cha'
    'rt=\'{"type": "line", "categories": ["2025-04", "2025-05", "2025-06", "2025-07", '
    '"2025-08", "2025-09"], "series": [{"name": "cost usd", "values": [118000.0, 1265'
    '00.0, 131200.0, 142900.0, 151300.0, 149800.0]}], "number_format": "$0,0"}\'></fig'
    'ure><footer class="slide-footer">Source: sample workspace consumption data</foot'
    "er></section>"
    "\n"
    '<section class="slide"><h1>Cost by SKU</h1><figure class="chart" data-chart=\'{"t'
    'ype": "bar", "categories": ["SQL Serverless", "Jobs Compute", "All-Purpose", "Mo'
    'del Serving"], "series": [{"name": "cost usd", "values": [312000.0, 241500.0, 16'
    '3200.0, 62100.0]}], "number_format": "$0,0"}\'></figure><footer class="slide-foot'
    'er">Source: sample workspace consumption data</footer></section>'
    "\n"
    '<section class="slide"><h1>Consumption by workspace</h1><table><thead><tr><th>wo'
    "rkspace</th><th>dbus</th><th>cost_usd</th></tr></thead><tbody><tr><td>prod-analy"
    'tics</td><td class="num">1,210,300</td><td class="num">351,000</td></tr><tr><td>'
    'ml-platform</td><td class="num">802,100</td><td class="num">233,000</td></tr><tr'
    '><td>finance-bi</td><td class="num">401,800</td><td class="num">118,500</td></tr'
    '><tr><td>data-eng</td><td class="num">301,200</td><td class="num">87,400</td></t'
    'r><tr><td>sandbox</td><td class="num">98,000</td><td class="num">29,000</td></tr'
    '></tbody></table><footer class="slide-footer">Source: sample workspace consumpti'
    "on data</footer></section>"
    "\n"
    '<section class="slide"><h1>Cost drivers</h1><div class="columns"><div class="col'
    'umn"><div class="card"><p><strong>Where we are</strong></p><ul><li>Current state'
    " of cost drivers</li><li>Key figures: TBD from your data</li></ul></div></div><d"
    'iv class="column"><div class="card"><p><strong>What we recommend</strong></p><ul'
    "><li>Priorities for cost drivers</li><li>Owner and timeline: TBD</li></ul></div>"
    '</div></div><aside class="notes">Topic 1 of the request.</aside></section>'
    "\n"
    '<section class="slide"><h1>Serverless adoption</h1><div class="columns"><div cla'
    'ss="column"><div class="card"><p><strong>Where we are</strong></p><ul><li>Curren'
    "t state of serverless adoption</li><li>Key figures: TBD from your data</li></ul>"
    '</div></div><div class="column"><div class="card"><p><strong>What we recommend</'
    "strong></p><ul><li>Priorities for serverless adoption</li><li>Owner and timeline"
    ': TBD</li></ul></div></div></div><aside class="notes">Topic 2 of the request.</a'
    "side></section>"
    "\n"
    '<section class="slide"><h1>Budget risks</h1><div class="columns"><div class="col'
    'umn"><div class="card"><p><strong>Where we are</strong></p><ul><li>Current state'
    " of budget risks</li><li>Key figures: TBD from your data</li></ul></div></div><d"
    'iv class="column"><div class="card"><p><strong>What we recommend</strong></p><ul'
    "><li>Priorities for budget risks</li><li>Owner and timeline: TBD</li></ul></div>"
    '</div></div><aside class="notes">Topic 3 of the request.</aside></section>'
    "\n"
    '<section class="slide"><h1>Mitigations</h1><div class="columns"><div class="colu'
    'mn"><div class="card"><p><strong>Where we are</strong></p><ul><li>Current state '
    "of mitigations</li><li>Key figures: TBD from your data</li></ul></div></div><div"
    ' class="column"><div class="card"><p><strong>What we recommend</strong></p><ul><'
    "li>Priorities for mitigations</li><li>Owner and timeline: TBD</li></ul></div></d"
    'iv></div><aside class="notes">Topic 4 of the request.</aside></section>'
    "\n"
    '<section class="slide closing-slide"><h1>Next steps</h1><ul><li>Agree next steps'
    " on q3 platform consumption review</li><li>Agree next steps on cost drivers</li>"
    "<li>Agree next steps on serverless adoption</li><li>Agree next steps on budget r"
    "isks</li></ul></section>"
    "\n"
)
