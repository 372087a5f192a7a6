"""Seed deck prompts: reusable storylines for common data-team presentations."""

from __future__ import annotations

from .records import DeckPromptSeed

# Deck prompts contain no curly braces, so they are safe to combine with
# str.format-style templates.

CONSUMPTION_REVIEW: str = """\
Create a consumption review that explains how platform usage and cost developed, what \
drove the change and where we can save. The typical subject is Databricks workspace \
consumption, but apply the same storyline to any usage-based service.

Data to query: daily usage and cost by workspace, SKU or product, and the main usage \
drivers (jobs, SQL warehouses, clusters, model serving, users or tags). For Databricks, \
use system.billing.usage joined with system.billing.list_prices when they are available. \
Cover at least the last six full months unless the request names another period, and \
compare each month with the previous one.

Storyline:
1. Title slide with the scope and period.
2. Summary: a KPI row with total cost, total DBUs (or usage units) and month-over-month \
change, plus three takeaways.
3. Trend: a line or stacked chart of monthly cost by SKU or product family.
4. Where the money goes: a bar chart of cost by workspace, top 8 plus "Other".
5. Top drivers: a table of the 8 largest jobs, warehouses or clusters with cost, share of \
total and change versus the previous period.
6. Anomalies: days or resources with unusual spikes, each with its size, date and likely \
cause. Leave this slide out if nothing stands out.
7. Optimisation opportunities: cards with concrete actions, for example auto-termination, \
right-sizing, job clusters instead of all-purpose clusters, serverless or Photon where it \
pays off, tagging for chargeback. Quantify savings only from queried numbers and state \
the assumption behind each estimate.
8. Recommendations and next steps with owners.

Tone: factual and neutral, no blame. Explain units (DBUs versus currency) once. Show \
whether costs are list price or discounted. Cite the tables and period in every footer.
"""

QUARTERLY_BUSINESS_REVIEW: str = """\
Create a quarterly business review (QBR) for the team or product named in the request. \
It should let stakeholders judge in ten minutes how the quarter went and what happens \
next.

Data to query: the quarter's core metrics against target and against the previous \
quarter and the same quarter last year, for example revenue or value delivered, adoption \
and active users, reliability and delivery metrics. Query monthly values so trends are \
visible. If targets are not in the data, say so rather than assuming them.

Storyline:
1. Title slide with team and quarter.
2. Quarter at a glance: a KPI row of 3 to 5 headline metrics with deltas versus the \
previous quarter, plus a one-sentence verdict.
3. Metrics versus target: a table of each key metric with target, actual and status, or a \
column chart of actual against target.
4. Trends: a line chart of the two or three most important metrics by month.
5. Achievements: the three to five most important wins, each with its measurable impact.
6. Challenges: what fell short and why, with the impact and what is being done about it. \
Be candid.
7. Customer or stakeholder voice: an optional quote or feedback theme, only if the source \
provides one.
8. Outlook: priorities, targets and known risks for next quarter, as columns or cards.
9. Asks: decisions, budget or support needed from the audience.

Tone: balanced and confident. Lead each slide with the conclusion, support it with \
numbers, and never hide misses. Keep the whole deck to about 9 slides.
"""

EXECUTIVE_SUMMARY: str = """\
Create a concise executive summary of 5 to 7 slides for senior leadership. They have \
five minutes and want to know what happened, why it matters and what they need to \
decide.

Data to query: only the few figures that carry the message, typically a headline \
metric with its trend, its main driver and the size of the opportunity or risk. Query \
them rather than paraphrasing; one well-sourced number beats five loose ones.

Storyline:
1. Title slide stating the topic and the date.
2. The bottom line: one sentence as the h1, a KPI row of at most three numbers and no \
more than three bullets. A reader who stops here should have the whole message.
3. What happened: one chart showing the key trend or comparison, with the takeaway as \
the title.
4. Why it matters: impact on cost, revenue, risk or customers, in two or three cards.
5. Options or recommendation: the recommended course of action, its expected impact and \
the main alternative, in columns.
6. Decision and next steps: what you need from leadership, by when, and who owns each \
step. Use a closing slide.
7. Optional: one backup slide with the detailed table behind the numbers.

Tone: direct, plain language, no technical jargon or acronyms without explanation. Every \
slide title is a full-sentence conclusion. No slide carries more than about 40 words of \
visible text; put detail and caveats in the speaker notes.
"""

USE_CASE_ANALYSIS: str = """\
Create an analysis of a portfolio of data, analytics or AI use cases that shows where \
each one stands, which ones create the most value, what blocks progress and what to do \
next.

Data to query: the list of use cases with owner, business domain, stage (idea, \
discovery, build, pilot, production, retired), estimated or realised value, effort or \
cost, start date and open blockers. Where platform data is available, add usage or \
consumption per use case, for example by workspace, job or tag.

Storyline:
1. Title slide with the scope of the portfolio.
2. Portfolio at a glance: a KPI row with the number of use cases, the number in \
production and the total realised value, plus two or three takeaways.
3. Pipeline by stage: a column or stacked chart of the number of use cases per stage, \
split by domain if useful.
4. Value versus effort: a scatter chart of value against effort or cost, with a short \
reading of the quadrants. Name the quick wins and the candidates to stop.
5. Top use cases: a table of the 6 to 8 most valuable use cases with stage, owner, value \
and status.
6. Blockers: the recurring blockers such as data access, data quality, skills, \
infrastructure or sponsorship, with how many use cases each affects, as a bar chart or \
cards.
7. Deep dive: one or two slides on the most important use cases, each with its problem, \
solution, results so far and next milestone.
8. Recommendations: what to accelerate, fix, pause or stop, and the next steps with \
owners.

Tone: analytical and even-handed. Separate realised value from estimates and label \
estimates clearly. Never invent use cases, owners or values.
"""

DECK_PROMPTS: list[DeckPromptSeed] = [
    DeckPromptSeed(
        name="Consumption Review",
        category="Review",
        description="Analyse usage and cost trends, top drivers, anomalies and savings "
        "opportunities, for example of Databricks workspace consumption.",
        prompt_content=CONSUMPTION_REVIEW,
    ),
    DeckPromptSeed(
        name="Quarterly Business Review",
        category="Report",
        description="Report a quarter's metrics against target, achievements, challenges "
        "and the outlook for next quarter.",
        prompt_content=QUARTERLY_BUSINESS_REVIEW,
    ),
    DeckPromptSeed(
        name="Executive Summary",
        category="Summary",
        description="Give leadership the bottom line, its impact and the decision needed "
        "in a concise 5 to 7 slide deck.",
        prompt_content=EXECUTIVE_SUMMARY,
    ),
    DeckPromptSeed(
        name="Use Case Analysis",
        category="Analysis",
        description="Review a portfolio of use cases by stage, value and blockers, and "
        "recommend next steps.",
        prompt_content=USE_CASE_ANALYSIS,
    ),
]

# What the Chat start screen sends when a deck prompt's card is clicked: a request that gives
# a good first deck on the sample data (and on real data, with a model).
STARTER_REQUESTS: dict[str, str] = {
    "Consumption Review": "Consumption review of our Databricks workspaces",
    "Quarterly Business Review": "Quarterly business review of our data platform",
    "Executive Summary": "Executive summary of our platform spend for leadership",
    "Use Case Analysis": "Use case analysis of our data and AI workloads",
}


def starter_request(name: str) -> str:
    """Return the request a deck prompt's card starts a deck with."""
    return STARTER_REQUESTS.get(name) or f"{name} of our platform data"
