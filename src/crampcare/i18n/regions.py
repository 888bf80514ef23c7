"""Emergency numbers by region, chosen by a setting or from the locale's territory.

Sources: Russia 112 (single number) and 103 (ambulance); UK 999 (emergency) and 111 (NHS urgent
advice); EU 112; US 911.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    emergency: tuple[str, ...]  # numbers to call in an emergency, the first one preferred
    urgent_advice: str | None  # a non-emergency urgent line, where the region has one

    def emergency_numbers(self, joiner: str = " / ") -> str:
        return joiner.join(self.emergency)


REGIONS: dict[str, Region] = {
    "RU": Region("RU", ("112", "103"), None),
    "GB": Region("GB", ("999",), "111"),
    "EU": Region("EU", ("112",), None),
    "US": Region("US", ("911",), None),
}

# Territories that use the EU's 112: EU members and EEA/neighbouring countries that share it.
_EU_TERRITORIES = frozenset(
    ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO", "CH"]
)
_DEFAULT_FOR_LANGUAGE = {"ru": "RU", "en": "EU"}


def region_of_locale(tag: str) -> str | None:
    """The region whose numbers apply for a locale such as ``en_GB.UTF-8`` or ``ru-RU``."""
    parts = tag.replace("-", "_").split(".")[0].split("_")
    territory = parts[1].upper() if len(parts) > 1 else ""
    if territory in ("GB", "UK"):
        return "GB"
    if territory in ("RU", "US"):
        return territory
    if territory in _EU_TERRITORIES:
        return "EU"
    return None


def region_by_code(code: str) -> Region:
    """The region a setting or the web switch names (any case); :class:`ValueError` saying which
    regions there are for any other code, so no client quietly keeps numbers the person did not pick."""
    found = REGIONS.get(code.strip().upper())
    if found is None:
        from crampcare.i18n.context import _

        raise ValueError(_("unknown region {region!r}; choose from: {choices}", region=code.strip(),
                           choices=", ".join(REGIONS)))
    return found


def choose_region(requested: str | None = None, *, lang: str = "en", environ: Mapping[str, str] | None = None) -> Region:
    """A setting (``--region`` / ``CRAMPCARE_REGION``) wins; else the system locale's territory;
    else the language's usual region (Russian → Russia); else 112, the number that works across
    Europe and on most mobile phones."""
    env = os.environ if environ is None else environ
    for explicit in (requested, env.get("CRAMPCARE_REGION")):
        if explicit and explicit.strip():
            return region_by_code(explicit)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            found = region_of_locale(value)
            if found is not None:
                return REGIONS[found]
            break
    return REGIONS[_DEFAULT_FOR_LANGUAGE.get(lang, "EU")]
