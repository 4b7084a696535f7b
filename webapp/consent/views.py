"""Toestemming: consent pages of the family space."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("consent", __name__)
