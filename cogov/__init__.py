"""CoGov: party-building-led community governance."""

__version__ = "0.1.0"
