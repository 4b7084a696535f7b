"""Where templates/, static/ and i18n/ are, in a checkout, an editable install or a wheel."""
from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path


def asset_dir(name: str) -> Path:
    """The folder of one asset tree; raises FileNotFoundError if the install lacks it."""
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    # Installed from a wheel: the folders ship as resource packages without __init__.py, so
    # find_spec gives their folder (importlib.resources would give a MultiplexedPath).
    spec = find_spec(f"onsplan_assets.{name}")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    raise FileNotFoundError(f"OnsPlan's {name}/ folder is missing from this installation")
