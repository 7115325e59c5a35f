"""Resource limits for reading archives, and the per-operation budget that enforces them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from pkginspect.errors import LimitExceededError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Caps that keep a hostile or broken package from exhausting memory, disk or time.

    The defaults let a real 4 GB cumulative update through (its inner cabinet is a few GB, its total
    inflated content well under 64 GiB, typical expansion 3-20x) and stop decompression bombs, which
    expand hundreds of times. Each field has a CLI option of the same name (``--max-member-size`` …).
    """

    max_member_size: int = 16 * GiB
    """Largest declared or actual uncompressed size of one member."""
    max_total_size: int = 64 * GiB
    """Most bytes inflated, all members and nesting levels together, in one operation on a package."""
    max_ratio: float = 200.0
    """Highest expansion ratio (bytes out / compressed bytes in) of one compressed stream ..."""
    ratio_grace: int = 64 * MiB
    """... enforced once that stream has produced this many bytes (tiny files of zeros are fine)."""
    max_members: int = 1_000_000
    """Most members one container may list."""
    max_depth: int = 8
    """Deepest nesting of containers inside containers."""
    verify_checksums: bool = False
    """Check every CFDATA checksum while decoding cabinets."""

    def with_overrides(self, **changes: object) -> Limits:
        """Return a copy with the given fields replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


DEFAULT_LIMITS = Limits()


def exceeded(source: str | os.PathLike[str], what: str, name: str) -> LimitExceededError:
    """Build the error for limit ``name``: what happened, which limit, and how to raise it."""
    how = f"raise it with --{name.replace('_', '-')} or Limits({name}=…)"
    return LimitExceededError(source, f"{what} exceeds the {name} limit; {how}", name)


@dataclass
class Budget:
    """Counts the bytes inflated during one operation on a package, across every nested stream."""

    limits: Limits = field(default_factory=Limits)
    inflated: int = 0

    def charge(self, source: str, count: int) -> None:
        """Record ``count`` more inflated bytes, failing once the operation's total passes the limit."""
        self.inflated += count
        if self.inflated > self.limits.max_total_size:
            raise exceeded(source, f"inflating more than {self.limits.max_total_size} bytes", "max_total_size")

    def check_ratio(self, source: str, produced: int, consumed: int) -> None:
        """Fail when a stream that produced ``produced`` bytes from ``consumed`` expands too much."""
        if produced > self.limits.ratio_grace and produced > self.limits.max_ratio * max(consumed, 1):
            ratio = produced / max(consumed, 1)
            raise exceeded(source, f"expansion ratio {ratio:.0f}:1", "max_ratio")

    def check_member_size(self, source: str, size: int) -> None:
        """Fail when a member declares (or reaches) more than the member size limit."""
        if size > self.limits.max_member_size:
            raise exceeded(source, f"member size {size} bytes", "max_member_size")
