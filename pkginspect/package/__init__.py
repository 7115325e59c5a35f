"""UpdatePackage: one update package's facts, each with the member it came from, gathered by ``inspect``.

``inspect`` lists the package (tables only), then reads the small members first: WSUSSCAN's package.xml
and the revision files it names (``core/<leaf>`` carries the whole ``update.mum`` inline), CompDB cabinets,
and whatever metadata is *shallow* — reachable by decoding at most :data:`discover.SHALLOW_BYTES` in all,
over every nesting level. In Microsoft's packages the ``.mum`` files sit at the end of the package cabinet's
one folder, behind the payload, and pkgProperties sits behind the whole package cabinet in the .msu; such deep
members are read only when a fact is still missing (no inlined manifest; a restart the unread sub-packages
could still raise to ``required``) or when asked for (``deep=True``, ``components=True``). Deep members left
unread are listed in ``not_read``; so is a big WIM inside a WIM-based .msu, which is not even opened
(wimlib extracts a WIM member whole) while WSUSSCAN's copy of its update.mum answers. Two sources that
disagree are recorded in ``conflicts``; the package's own ``update.mum`` wins over its inlined copy.
Metadata files are parsed one at a time as the folder is decoded (only the records are kept), and decoding
stops at the last wanted member. A metadata file that fails to parse becomes a ``problem``, not a failure; a
package that cannot be opened at all raises its ``ContainerError``.
"""

from __future__ import annotations

import os

from pkginspect.containers import Limits, Package, open_package
from pkginspect.errors import wrong_type
from pkginspect.package.discover import find_packages
from pkginspect.package.gather import gather
from pkginspect.package.model import (
    CbsPackage,
    Component,
    Fact,
    MemberInfo,
    SubPackage,
    UpdatePackage,
    require_update_package,
)

__all__ = ["CbsPackage", "Component", "Fact", "MemberInfo", "SubPackage", "UpdatePackage", "find_packages", "inspect",
           "require_update_package"]


def inspect(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    components: bool = False,
    sha256: bool = True,
    deep: bool = False,
) -> UpdatePackage:
    """Open the package at ``path`` and gather its facts (see the module docstring).

    ``deep`` also reads the metadata members that sit behind the payload when no fact needs them.
    """
    if not isinstance(path, (str, os.PathLike)):
        hint = "inspect reads the file itself: pass the package's path" if isinstance(path, Package) else ""
        raise wrong_type("inspect", "path", "a file path (str or os.PathLike)", path, hint)
    with open_package(path, limits) as package:
        return gather(package, components, sha256, deep)
