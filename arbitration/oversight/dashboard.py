"""The regulator's dashboard (on /stats and as the regulator's home page): the headline figures for a period
(the last 30 days unless `from`/`to` say otherwise) against the period before, and monthly trends whose bars lead
to the case list of the cases they count."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import url_for

from arbitration import clock
from arbitration.cases import filters
from arbitration.cases.queries import Happened
from arbitration.errors import DomainError
from arbitration.oversight import charts, rules, stats


@dataclass
class Dashboard:
    period: rules.Period
    previous: rules.Period
    figures: list = field(default_factory=list)      # stats.Headline
    trends: list = field(default_factory=list)       # (title, svg)
    problem: DomainError | None = None
    args: dict = field(default_factory=dict)


def today() -> dt.date:
    return clock.now_utc().astimezone(clock.CHINA).date()


def parse_period(args: Mapping, on: dt.date) -> rules.Period:
    """`from`/`to` (China dates, both included); both missing: the last 30 days to today; one missing is refused."""
    if not (args.get("from") or "").strip() and not (args.get("to") or "").strip():
        return rules.last_days(on)
    return rules.Period(*filters.date_range(args, "from", "to", required=True))


def build(args: Mapping) -> Dashboard:
    on = today()
    problem = None
    try:
        period = parse_period(args, on)
    except DomainError as err:
        period, problem = rules.last_days(on), err
    out = Dashboard(period, period.previous(), stats.headline(period), problem=problem,
                    args={k: args.get(k, "") for k in ("from", "to")})
    for what, title in stats.TRENDS:
        months = stats.monthly(what, on)
        links = [url_for("cases.index", **Happened(what, m.first, m.last).query_args()) for m, _n in months]
        svg = charts.bar_chart([(m.first.strftime("%Y-%m"), float(n)) for m, n in months], title=str(title),
                               links=links)
        out.trends.append((what, title, svg))
    return out
