"""Several measurements of one thing (median, spread, quantiles) and how figures are written."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Stat:
    """Several measurements of one thing: median and spread."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def lo(self) -> float:
        return min(self.values)

    @property
    def hi(self) -> float:
        return max(self.values)

    def quantile(self, q: float) -> float:
        """Linear-interpolated quantile, q in [0, 1]."""
        data = sorted(self.values)
        if len(data) == 1:
            return data[0]
        pos = q * (len(data) - 1)
        low = int(pos)
        high = min(low + 1, len(data) - 1)
        return data[low] + (data[high] - data[low]) * (pos - low)


def fmt_seconds(value: float) -> str:
    """A duration in a unit that keeps three significant digits."""
    magnitude = abs(value)
    if magnitude >= 1:
        return f"{value:.2f} s"
    if magnitude >= 1e-3:
        return f"{value * 1e3:.3g} ms" if magnitude < 0.1 else f"{value * 1e3:.0f} ms"
    return f"{value * 1e6:.3g} µs" if magnitude >= 1e-6 else f"{value * 1e9:.0f} ns"


def fmt_mb(kib: float) -> str:
    return f"{kib / 1024:.0f} MB"


def fmt_rate(value: float, unit: str) -> str:
    if value >= 100_000:
        return f"{value / 1000:,.0f}k {unit}"
    return f"{value:,.0f} {unit}"


def spread(stat: Stat, fmt) -> str:
    """``median (min–max, n=N)`` with ``fmt`` turning one value into text."""
    if stat.n == 1:
        return f"{fmt(stat.median)} (n=1)"
    return f"{fmt(stat.median)} ({fmt(stat.lo)}–{fmt(stat.hi)}, n={stat.n})"


def spread_iqr(stat: Stat, fmt) -> str:
    """``median (IQR q1–q3, n=N)``: for many samples, where min and max say little."""
    return f"{fmt(stat.median)} (IQR {fmt(stat.quantile(0.25))}–{fmt(stat.quantile(0.75))}, n={stat.n})"

