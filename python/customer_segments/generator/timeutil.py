"""Time helpers. All times are int64 UTC epoch seconds; nothing reads the machine's clock,
time zone or locale. Shopping behaviour follows the local calendar of Asia/Shanghai
(UTC+8, no daylight saving), so the shopping clock works on local days.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

MINUTE = 60
HOUR = 3_600
DAY = 86_400
LOCAL_UTC_OFFSET = 8 * HOUR  # Asia/Shanghai
LOAD_TIME_OF_DAY = 2 * HOUR  # the nightly load into the raw store runs at 02:00 UTC
EPOCH = date(1970, 1, 1)
FAR_FUTURE = date(2099, 1, 1)

#: Chinese New Year (first day of the lunar year) for the years the generator supports.
CHINESE_NEW_YEAR: dict[int, date] = {
    d.year: d
    for d in (
        date(2015, 2, 19), date(2016, 2, 8), date(2017, 1, 28), date(2018, 2, 16), date(2019, 2, 5),
        date(2020, 1, 25), date(2021, 2, 12), date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10),
        date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26), date(2029, 2, 13),
        date(2030, 2, 3), date(2031, 1, 23), date(2032, 2, 11), date(2033, 1, 31), date(2034, 2, 19),
        date(2035, 2, 8),
    )
}

#: Relative shopping activity per local hour of the day (0..23).
HOUR_WEIGHTS = np.array(
    [0.6, 0.3, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.7, 1.8,
     1.9, 1.6, 1.4, 1.4, 1.5, 1.6, 1.8, 2.2, 2.6, 2.8, 2.3, 1.3]
)
_HOUR_CDF = np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum()
NIGHT_START = 22 * HOUR  # night owls shop 22:00-02:00 local time
NIGHT_LENGTH = 4 * HOUR
NIGHT_SHARE = 0.85  # share of a night owl's activity at night


def epoch_seconds(d: date) -> int:
    """Midnight UTC of ``d`` as epoch seconds."""
    return (d - EPOCH).days * DAY


def nightly_load(ts: np.ndarray) -> np.ndarray:
    """When a row with last timestamp ``ts`` lands in the raw store: next day 02:00 UTC."""
    return (np.asarray(ts, dtype=np.int64) // DAY + 1) * DAY + LOAD_TIME_OF_DAY


def day_weight(d: date) -> float:
    """Relative order volume of a local calendar day (Chinese e-commerce seasonality)."""
    w = 1.1 if d.weekday() >= 5 else 1.0
    m, dd = d.month, d.day
    if m == 11:  # Singles' Day 11-11 and its pre-sale
        w *= 5.0 if dd == 11 else 1.6 if dd < 11 else 1.3 if dd <= 13 else 1.0
    elif m == 10 and dd >= 20:  # shoppers hold back for 11-11
        w *= 0.85
    elif m == 6:  # 618 mid-year festival
        w *= 3.5 if dd == 18 else 1.4 if dd < 18 else 1.0
    elif m == 12:  # double 12 and year-end
        w *= 2.5 if dd == 12 else 1.5 if 20 <= dd <= 25 else 1.3
    for year in (d.year, d.year + 1):
        cny = CHINESE_NEW_YEAR.get(year)
        if cny is None:
            continue
        delta = (d - cny).days
        if -7 <= delta < 0:
            w *= 0.6
        elif 0 <= delta <= 6:  # logistics stop over the Spring Festival
            w *= 0.35
    return w


class ShoppingClock:
    """Samples realistic timestamps: seasonal days, local time-of-day profiles, weekends."""

    def __init__(self, start: date, days: int, start_s: int, end_s: int) -> None:
        self.start_s = start_s
        self.end_s = end_s
        # Local day 0 is the period's first date in Asia/Shanghai; one extra local day
        # covers the evening of the last UTC day.
        self.origin = start_s - LOCAL_UTC_OFFSET
        n = days + 1
        weights = np.array([day_weight(start + timedelta(days=i)) for i in range(n)])
        self._cum = np.concatenate([[0.0], np.cumsum(weights)])
        self._grid = np.arange(n + 1, dtype=np.float64)
        self._first_weekday = start.weekday()

    def time_of_day(self, rng: np.random.Generator, night_owl: np.ndarray) -> np.ndarray:
        """Local seconds after midnight; night owls may run past 24:00 (next local day)."""
        n = len(night_owl)
        hour = np.minimum(np.searchsorted(_HOUR_CDF, rng.random(n), side="right"), 23)
        tod = hour * HOUR + rng.integers(0, HOUR, n)
        night = NIGHT_START + rng.integers(0, NIGHT_LENGTH, n)
        return np.where(night_owl & (rng.random(n) < NIGHT_SHARE), night, tod).astype(np.int64)

    def sample(
        self,
        rng: np.random.Generator,
        lo: np.ndarray,
        hi: np.ndarray,
        night_owl: np.ndarray,
        weekend_shopper: np.ndarray,
    ) -> np.ndarray:
        """One timestamp per row in [lo, hi], following the seasonal day weights."""
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
        n = len(lo)
        c_lo = np.interp((lo - self.origin) / DAY, self._grid, self._cum)
        c_hi = np.interp((hi - self.origin) / DAY, self._grid, self._cum)
        u = c_lo + rng.random(n) * (c_hi - c_lo)
        day = np.floor(np.interp(u, self._cum, self._grid)).astype(np.int64)
        # weekend shoppers move most purchases to the next Saturday or Sunday
        weekday = (self._first_weekday + day) % 7
        to_weekend = (5 - weekday) % 7 + (rng.random(n) < 0.5)
        to_weekend = np.where(weekday >= 5, 0, to_weekend)
        move = weekend_shopper & (rng.random(n) < 0.8)
        day = np.where(move, day + to_weekend, day)
        ts = self.origin + day * DAY + self.time_of_day(rng, night_owl)
        ts = np.where(move & (ts > hi), ts - 7 * DAY, ts)
        return np.clip(np.clip(ts, lo, hi), self.start_s, self.end_s - 1)

    def local_dates(self, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(year, month, day) of the Asia/Shanghai calendar date of UTC timestamps."""
        days = ((np.asarray(ts, dtype=np.int64) + LOCAL_UTC_OFFSET) // DAY).astype("datetime64[D]")
        years = days.astype("datetime64[Y]")
        months = days.astype("datetime64[M]")
        return (
            years.astype(np.int64) + 1970,
            (months - years).astype(np.int64) + 1,
            (days - months).astype(np.int64) + 1,
        )
