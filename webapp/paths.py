"""Where templates/, static/ and i18n/ are, in a checkout, an editable install or a wheel."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset_dir(name: str) -> Path:
    """The folder of one asset tree; raises FileNotFoundError if the install lacks it."""
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    installed = Path(str(resources.files(f"onsplan_assets.{name}")))
    if installed.is_dir():
        return installed
    raise FileNotFoundError(f"OnsPlan's {name}/ folder is missing from this installation")
